# Shared by kernel/scripts/lab and kernel/scripts/run (sourced, not run). The repo root is the working directory.
#
# Overrides, for tests and unusual set-ups:
#   T2J_KERNEL_CLASSPATH  use this class path for the kernel instead of building kernel/target
#   T2J_JUPYTER_PREFIX    where the kernelspec goes (default build/jupyter; Jupyter finds it via JUPYTER_PATH)
#   JAVA_HOME             the JDK the kernel runs on (default: java on PATH); must be 17 or newer

T2J_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
T2J_KERNEL_NAME=t2j
T2J_MIN_JAVA=17

die() { echo "t2j: $*" >&2; exit 1; }

print_jupyter_install_help() {
  cat >&2 <<'HELP'
t2j: Jupyter is not installed. Install it one of these ways, then run ./t2j lab again:
  Debian/Ubuntu:  sudo apt-get install -y --no-install-recommends jupyter-notebook jupyter-nbconvert python3-nbclient python3-jupyter-client
  conda:          conda env create -f environment.yml && conda activate t2j
HELP
}

# The jupyter command; conda's or the system's, whichever PATH gives (Debian's lives in /usr/bin).
find_jupyter() {
  local j
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
