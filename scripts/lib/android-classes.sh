# The Android world for plain Maven: AndroidX ships AARs, which Maven cannot
# put on a classpath, and Robolectric needs its Android runtime jar without
# fetching it while the tests run. Source it; then `android_classes_ensure`.
#
# bindings-kotlin/pom.xml is the one list: each dependency with the groupId
# aar.<groupId> is the classes.jar of the AAR <groupId>:<artifactId>:<version>.
# This resolves every such AAR (as `aar`) and the Robolectric runtime jar (the
# pom's robolectric.runtime) from Maven Central into the local repository
# under $SESSIONCORE_CACHE, and installs each classes.jar there under its
# aar.* coordinate (outside dev/sessioncore, which packaging tests clear).
# Done once: a warm run only checks that the files exist.

android_classes_ensure() {
    local repo="$SESSIONCORE_CACHE/maven" pom="$SESSIONCORE_ROOT/bindings-kotlin/pom.xml"
    local runtime coordinate group artifact version jar
    runtime="$(sed -nE 's|.*<robolectric.runtime>(.*)</robolectric.runtime>.*|\1|p' "$pom")"
    [[ -n "$runtime" ]] || die "no robolectric.runtime property in $pom"
    _android_get "org.robolectric:android-all-instrumented:$runtime:jar" \
        "$repo/org/robolectric/android-all-instrumented/$runtime/android-all-instrumented-$runtime.jar"
    for coordinate in $(_android_aar_coordinates "$pom"); do
        IFS=: read -r group artifact version <<<"$coordinate"
        jar="$repo/aar/${group//.//}/$artifact/$version/$artifact-$version.jar"
        [[ -f "$jar" ]] && continue
        local aar="$repo/${group//.//}/$artifact/$version/$artifact-$version.aar"
        _android_get "$group:$artifact:$version:aar" "$aar"
        mkdir -p "$(dirname "$jar")"
        python3 -c 'import shutil, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as aar, aar.open("classes.jar") as classes, open(sys.argv[2], "wb") as out:
    shutil.copyfileobj(classes, out)' "$aar" "$jar.part" || die "no classes.jar in $aar"
        # A minimal POM without dependencies: bindings-kotlin/pom.xml names every jar it needs.
        printf '<project><modelVersion>4.0.0</modelVersion><groupId>%s</groupId><artifactId>%s</artifactId><version>%s</version></project>\n' \
            "aar.$group" "$artifact" "$version" >"${jar%.jar}.pom"
        mv "$jar.part" "$jar"
    done
}

# The original coordinates (group:artifact:version) of the pom's aar.* dependencies.
_android_aar_coordinates() {
    python3 - "$1" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET

ns = {"m": "http://maven.apache.org/POM/4.0.0"}
prefix = "aar."
project = ET.parse(sys.argv[1]).getroot()
properties = {p.tag.split("}")[1]: p.text for p in project.find("m:properties", ns)}
for dependency in project.iterfind(".//m:dependency", ns):
    group = dependency.findtext("m:groupId", "", ns)
    if group.startswith(prefix):
        version = re.sub(r"\$\{([^}]+)\}", lambda m: properties[m.group(1)], dependency.findtext("m:version", "", ns))
        print(f"{group[len(prefix):]}:{dependency.findtext('m:artifactId', '', ns)}:{version}")
PY
}

# Resolves COORDINATE into the local repository unless FILE is already there.
_android_get() {
    [[ -f "$2" ]] && return
    echo "resolving $1 from Maven Central (once)" >&2
    mvn -B -q -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" \
        dependency:get -Dartifact="$1" -Dtransitive=false >&2 || die "could not resolve $1"
    [[ -f "$2" ]] || die "resolved $1 but $2 is missing"
}
