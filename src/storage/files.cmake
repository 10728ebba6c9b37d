# Confined user folders: safe paths, listings, uploads, downloads, checksums.
