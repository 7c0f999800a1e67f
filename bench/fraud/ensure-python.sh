#!/bin/sh
# Installs the benchmark's reference models (scikit-learn, XGBoost) from Debian when they are missing.
# Prints the python3 to use. Debian's packages live in /usr/bin/python3, which may not be first on PATH.
set -e
for py in /usr/bin/python3 python3; do
  if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import sklearn, xgboost' >/dev/null 2>&1; then echo "$py"; exit 0; fi
done
echo "installing python3-sklearn python3-xgboost (apt-get)..." >&2
SUDO=""; [ "$(id -u)" -ne 0 ] && command -v sudo >/dev/null && SUDO="sudo"
$SUDO apt-get install -y --no-install-recommends python3-sklearn python3-xgboost >&2
echo /usr/bin/python3
