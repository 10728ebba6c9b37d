# Tests of the confined file store (files).
