#!/bin/sh
# Installs R's forecast package from Debian when it is missing (the benchmark's reference).
set -e
if Rscript -e 'suppressPackageStartupMessages(library(forecast))' >/dev/null 2>&1; then exit 0; fi
echo "installing r-cran-forecast (apt-get)..." >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
$SUDO apt-get install -y --no-install-recommends r-base-core r-cran-forecast >&2
