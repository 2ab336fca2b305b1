# Shared by kernel/scripts/lab and kernel/scripts/run (sourced, not run). The repo root is the working directory.
#
# Overrides, for tests and unusual set-ups:
#   T2J_VENV              the project's Python environment (default build/venv)
#   T2J_PYPI_INDEX        the package index pip installs it from (default: pip's own configuration)
#   T2J_KERNEL_CLASSPATH  use this class path for the kernel instead of building kernel/target
#   T2J_JUPYTER_PREFIX    where the kernelspec goes (default build/jupyter; Jupyter finds it via JUPYTER_PATH)
#   JAVA_HOME             the JDK the kernel runs on (default: java on PATH); must be 17 or newer

T2J_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T2J_KERNEL_NAME=t2j
T2J_MIN_JAVA=17
# The project-local Python environment with JupyterLab and nbclient, and the index pip installs it from.
T2J_VENV="${T2J_VENV:-$T2J_ROOT/build/venv}"
T2J_PYPI_INDEX="${T2J_PYPI_INDEX:-}"

die() { echo "t2j: $*" >&2; exit 1; }

print_jupyter_install_help() {
  cat >&2 <<'HELP'
t2j: Jupyter is not installed. Install it one of these ways, then run ./t2j lab again:
  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends jupyter-notebook jupyter-nbconvert python3-nbclient python3-jupyter-client
  conda:          conda env create -f environment.yml && conda activate t2j
HELP
}

# The jupyter command: the project's environment's (./t2j lab makes it), else conda's or the system's, whichever
# PATH gives (Debian's lives in /usr/bin).
find_jupyter() {
  local j
  if [ -x "$T2J_VENV/bin/jupyter" ]; then echo "$T2J_VENV/bin/jupyter"; return; fi
  j="$(command -v jupyter 2>/dev/null || true)"
  [ -z "$j" ] && [ -x /usr/bin/jupyter ] && j=/usr/bin/jupyter
  [ -n "$j" ] && echo "$j"
}

# The python that runs Jupyter (its modules, e.g. nbclient, live there, not in whatever python3 is first on PATH).
jupyter_python() {
  local shebang
  shebang="$(head -n1 "$1")"
  case "$shebang" in
    '#!'*python*) echo "${shebang#\#!}" | awk '{print $1}' ;;
    *) echo /usr/bin/python3 ;;
  esac
}

# Absolute path of the java to run the kernel with; fails clearly when it is older than 17.
resolve_java() {
  local java version
  if [ -n "${JAVA_HOME:-}" ] && [ -x "$JAVA_HOME/bin/java" ]; then java="$JAVA_HOME/bin/java"
  else java="$(command -v java 2>/dev/null || true)"; fi
  [ -n "$java" ] || die "no java found. The kernel needs a JDK $T2J_MIN_JAVA+: sudo apt-get install openjdk-17-jdk-headless, or conda env create -f environment.yml"
  java="$(readlink -f "$java")"
  version="$("$java" -XshowSettings:properties -version 2>&1 | awk -F'= ' '/java.specification.version/ {print $2}')"
  version="${version#1.}"
  if [ -z "$version" ] || [ "${version%%.*}" -lt "$T2J_MIN_JAVA" ]; then
    die "$java is Java ${version:-unknown}; the kernel needs Java $T2J_MIN_JAVA or newer. Set JAVA_HOME to a JDK $T2J_MIN_JAVA+."
  fi
  echo "$java"
}

# Class path of the kernel (kernel jar + dependencies), building it when missing or older than the sources.
kernel_classpath() {
  if [ -n "${T2J_KERNEL_CLASSPATH:-}" ]; then echo "$T2J_KERNEL_CLASSPATH"; return; fi
  local target="$T2J_ROOT/kernel/target" jar
  jar="$(ls "$target"/t2j-kernel-*.jar 2>/dev/null | grep -v -- '-tests.jar' | head -n1 || true)"
  if [ -z "$jar" ] || [ ! -f "$target/classpath.txt" ] || [ -n "$(find "$T2J_ROOT/kernel/src/main" "$T2J_ROOT/dsl/src/main" \
      "$T2J_ROOT/src/main" "$T2J_ROOT/pom.xml" "$T2J_ROOT/kernel/pom.xml" "$T2J_ROOT/dsl/pom.xml" "$T2J_ROOT/src/pom.xml" \
      -newer "$jar" -type f -print -quit 2>/dev/null)" ]; then
    command -v mvn >/dev/null || die "the kernel is not built and mvn is missing: install Maven (apt-get install maven, or the conda environment.yml)"
    echo "t2j: building the kernel (mvn -q -B -DskipTests package -pl kernel -am)..." >&2
    # Maven 3.8's console library writes ESC[0m resets even in batch mode unless told not to (a JVM property).
    (cd "$T2J_ROOT" && MAVEN_OPTS="${MAVEN_OPTS:-} -Djansi.noreset=true" \
        mvn -q -B -Dstyle.color=never -DskipTests package -pl kernel -am >&2) || die "build failed"
    jar="$(ls "$target"/t2j-kernel-*.jar | grep -v -- '-tests.jar' | head -n1)"
  fi
  echo "$jar:$(cat "$target/classpath.txt")"
}

# Writes the kernelspec into the project-local prefix and points this process's Jupyter at it.
install_kernelspec() {
  local java="$1" classpath="$2" prefix="${T2J_JUPYTER_PREFIX:-$T2J_ROOT/build/jupyter}"
  "$java" -cp "$classpath" t2j.kernel.KernelSpecInstaller --prefix "$prefix" --classpath "$classpath" \
      --name "$T2J_KERNEL_NAME" --env "T2J_HOME=$T2J_ROOT" >/dev/null || die "could not install the kernelspec into $prefix"
  export JUPYTER_PATH="$prefix/share/jupyter${JUPYTER_PATH:+:$JUPYTER_PATH}"
  export JUPYTER_RUNTIME_DIR="${JUPYTER_RUNTIME_DIR:-$prefix/runtime}"
  export PYDEVD_DISABLE_FILE_VALIDATION=1
}

# A progress line of the first-run set-up (./t2j lab): "t2j: [3/4] ...".
step() { local n="$1"; shift; echo "t2j: [$n/4] $*" >&2; }

# The jupyter to use, set up on first use: the project's environment when it exists (a second run reuses it); else
# one created with JupyterLab and nbclient by pip (from pip's configured index or mirror, or T2J_PYPI_INDEX); else the
# system's Jupyter. A failed attempt is remembered in $T2J_VENV.failed, so later runs fall back at once.
ensure_jupyter() {
  local j why index=()
  if [ -x "$T2J_VENV/bin/jupyter" ] && "$T2J_VENV/bin/jupyter" lab --version >/dev/null 2>&1; then
    j="$("$T2J_VENV/bin/jupyter" lab --version 2>/dev/null)"
    step 3 "Jupyter: reusing the project's Python environment $T2J_VENV (JupyterLab $j)"
    echo "$T2J_VENV/bin/jupyter"; return
  fi
  [ -n "$T2J_PYPI_INDEX" ] && index=(--index-url "$T2J_PYPI_INDEX")
  if [ -f "$T2J_VENV.failed" ]; then
    why="$(cat "$T2J_VENV.failed"); delete $T2J_VENV.failed to try again"
  elif ! command -v python3 >/dev/null 2>&1; then
    why="no python3 to create it with"
  elif [ -e "$T2J_VENV" ]; then
    why="$T2J_VENV exists but has no working JupyterLab; remove it to set it up again"
  else
    step 3 "Jupyter: creating the project's Python environment $T2J_VENV with JupyterLab and nbclient" \
      "(once, a few minutes)"
    if ! python3 -m venv "$T2J_VENV" >&2; then
      why="python3 -m venv failed (Debian: apt-get install python3-venv)"
    elif ! "$T2J_VENV/bin/python" -m pip install -q --disable-pip-version-check --retries 1 --timeout 15 \
        ${index[@]+"${index[@]}"} jupyterlab nbclient >&2; then
      why="pip could not install JupyterLab from ${T2J_PYPI_INDEX:-its configured index}"
    else
      step 3 "Jupyter: JupyterLab $("$T2J_VENV/bin/jupyter" lab --version 2>/dev/null) installed in $T2J_VENV"
      echo "$T2J_VENV/bin/jupyter"; return
    fi
    rm -rf "$T2J_VENV"   # made by this run only (checked above): a half-installed one would be reused next time
    mkdir -p "$(dirname "$T2J_VENV")" && echo "$why" > "$T2J_VENV.failed"
  fi
  j="$(find_jupyter)" || true
  if [ -z "$j" ]; then
    step 3 "Jupyter: no project environment ($why) and no system Jupyter"
    print_jupyter_install_help; exit 1
  fi
  step 3 "Jupyter: no project environment ($why); using $j"
  echo "$j"
}
