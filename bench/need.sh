# What a bench script needs, checked before it starts (sourced by bench/lib.sh and
# bench/multihost/run.sh). Each check says what it found; what is missing is installed and
# said so (a Debian package with apt-get, as root; a Python package into the project's venv
# with pip, at the version the requirements files pin), or the script stops saying what to run.
# Logs of the installs: NEED_LOGS (default /tmp).

need_say() { if declare -F log > /dev/null; then log "$*"; else echo "[$(date +%H:%M:%S)] $*" >&2; fi; }

# need_tool COMMAND DEBIAN_PACKAGE
need_tool() {
  local cmd=$1 pkg=$2 logfile=${NEED_LOGS:-/tmp}/bench-apt-$2.log
  if command -v "$cmd" > /dev/null; then
    need_say "needs $cmd: $(command -v "$cmd") (present)"; return 0
  fi
  if [ "$(id -u)" = 0 ] && command -v apt-get > /dev/null; then
    need_say "needs $cmd: missing, installing the Debian package $pkg (apt-get update && apt-get install -y $pkg)"
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$pkg"; } > "$logfile" 2>&1 \
      || { need_say "apt-get install $pkg failed (see $logfile)"; exit 3; }
    command -v "$cmd" > /dev/null && { need_say "needs $cmd: installed ($(command -v "$cmd"))"; return 0; }
  fi
  need_say "needs $cmd: missing and cannot be installed here: run 'apt-get install -y $pkg' as root"; exit 3
}

# The pinned requirement of a Python package (requirements.txt, requirements-dev.txt,
# bench/requirements.txt), or the bare name when none pins it.
need_pin() {
  local found
  found=$(grep -hiE "^$1(\[[^]]*\])?==" requirements.txt requirements-dev.txt bench/requirements.txt 2> /dev/null \
          | head -1 | cut -d' ' -f1)
  echo "${found:-$1}"
}

# need_python MODULE PACKAGE: importable by the project's venv (.venv/bin/python), or installed there.
need_python() {
  local module=$1 req logfile
  req=$(need_pin "$2")
  logfile=${NEED_LOGS:-/tmp}/bench-pip-$2.log
  if .venv/bin/python -c "import $module" 2> /dev/null; then
    need_say "needs python $module: present ($(.venv/bin/python -c "import importlib.metadata as m; print('$2', m.version('$2'))" 2> /dev/null || echo "$2"))"
    return 0
  fi
  need_say "needs python $module: missing, installing $req (.venv/bin/pip install '$req')"
  .venv/bin/pip install -q "$req" > "$logfile" 2>&1 \
    || { need_say "pip install $req failed (see $logfile)"; exit 3; }
  .venv/bin/python -c "import $module" 2> /dev/null || { need_say "python $module still missing after pip install $req"; exit 3; }
  need_say "needs python $module: installed ($req)"
}
