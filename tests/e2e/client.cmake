# End-to-end tests of the netdisk client (files, shell, progress).
