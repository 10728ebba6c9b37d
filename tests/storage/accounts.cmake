# Tests of the user registry (accounts).
