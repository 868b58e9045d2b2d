#!/usr/bin/env bash
# The Kotlin packages as an app team consumes them, here on the JVM:
# - publication: scripts/publish-maven.sh --host writes target/maven-repo; every
#   artifact has its POM (with what Maven Central requires, JNA as an AAR for
#   Android and a jar for the JVM), sources and javadoc jars, and md5, sha1,
#   sha256 and sha512 checksums that match;
# - compatibility: every class is a Java 11 class file (major version <= 55),
#   and an app (bindings-kotlin/consumer) that resolves sessioncore-jvm from
#   that repository like any Maven project compiles with Kotlin 2.0 and runs
#   (with the host library on jna.library.path);
# - shrinking: the same app, built as an Android release build would be (the
#   AAR, JNA's AAR and kotlin-stdlib resolved from the repository), is shrunk
#   by R8 9.5.28 in full mode with only the AAR's proguard.txt (plus the app's
#   entry point) into JVM class files, and prints what it printed unshrunk,
#   over the JNI fast path and over JNA. The same shrink without the rules'
#   -keepattributes line is shown to fail.
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
source "$(dirname "$0")/lib/summary.sh"
cd "$SESSIONCORE_ROOT"
need java "install a JDK 17 or newer"
need mvn "install Maven 3.8 or newer"

version="$(workspace_field version)"
repository="$SESSIONCORE_ROOT/target/maven-repo"
scripts/publish-maven.sh --host "$repository"

passed=0 failed=0
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
unzip_to() { python3 -c 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])' "$1" "$2"; }

# The repository.
checksums_match() {
    local algorithm
    for algorithm in md5 sha1 sha256 sha512; do
        [[ -f "$1.$algorithm" && "$("${algorithm}sum" "$1" | cut -d' ' -f1)" == "$(cat "$1.$algorithm")" ]] || return 1
    done
}
# pom_complete POM JNA_TYPE: Maven Central's required elements, and JNA as JNA_TYPE.
pom_complete() {
    python3 - "$1" "$2" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = {"m": "http://maven.apache.org/POM/4.0.0"}
pom = ET.parse(sys.argv[1]).getroot()
required = ["m:name", "m:description", "m:url", "m:licenses/m:license/m:name", "m:licenses/m:license/m:url",
            "m:developers/m:developer/m:name", "m:scm/m:url", "m:scm/m:connection"]
missing = [path for path in required if not (pom.findtext(path, namespaces=ns) or "").strip() or "@" in pom.findtext(path, namespaces=ns)]
jna = [d for d in pom.findall("m:dependencies/m:dependency", ns) if d.findtext("m:artifactId", namespaces=ns) == "jna"]
jna_type = jna[0].findtext("m:type", default="jar", namespaces=ns) if jna else None
if missing or jna_type != sys.argv[2]:
    sys.exit(f"{sys.argv[1]}: missing {missing}, JNA type {jna_type}")
PY
}
for artifact in sessioncore-android:aar sessioncore-jvm:jar; do
    IFS=: read -r name packaging <<<"$artifact"
    base="$repository/dev/sessioncore/$name/$version/$name-$version"
    for file in "$base.$packaging" "$base.pom" "$base-sources.jar" "$base-javadoc.jar"; do
        check "$(basename "$file") is published with matching md5, sha1, sha256 and sha512" "checksums_match '$file'"
    done
    check "the POM of $name is complete and brings JNA's $packaging" "pom_complete '$base.pom' $packaging"
done
check "only the Android POM brings AndroidX lifecycle-process (an AAR), for the lifecycle observer" \
    "grep -A3 '<artifactId>lifecycle-process</artifactId>' '$repository/dev/sessioncore/sessioncore-android/$version/sessioncore-android-$version.pom' | grep '<type>aar</type>' >/dev/null &&
     ! grep lifecycle '$repository/dev/sessioncore/sessioncore-jvm/$version/sessioncore-jvm-$version.pom' >/dev/null"
check "the sources jar has the wrapper and the generated code" \
    "unzip -l '$repository/dev/sessioncore/sessioncore-jvm/$version/sessioncore-jvm-$version-sources.jar' | grep -E 'dev/sessioncore/(SessionTracker|ffi/sessioncore)\.kt' | wc -l | grep -x 2 >/dev/null"

# Class files.
aar="$repository/dev/sessioncore/sessioncore-android/$version/sessioncore-android-$version.aar"
jvm_jar="$repository/dev/sessioncore/sessioncore-jvm/$version/sessioncore-jvm-$version.jar"
unzip_to "$aar" "$work/published-aar"
newest_class_file() {
    python3 -c 'import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
print(max(int.from_bytes(z.read(n)[6:8], "big") for n in z.namelist() if n.endswith(".class")))' "$1"
}
for jar_file in "$work/published-aar/classes.jar" "$jvm_jar"; do
    check "$(basename "$jar_file") holds Java 11 class files (major version <= 55)" "[[ \$(newest_class_file '$jar_file') -le 55 ]]"
done

# An app on the JVM, compiled with Kotlin 2.0 against the published jar.
consumer="$SESSIONCORE_ROOT/bindings-kotlin/consumer"
consumer_mvn() {
    (cd "$consumer" && mvn -B -q -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" \
        -Dsessioncore.repository="file://$repository" -Dsessioncore.version="$version" "$@")
}
# A consumer's first build: nothing of ours in the local repository yet.
rm -rf "$SESSIONCORE_CACHE/maven/dev/sessioncore"
run_app() { java "$@" dev.sessioncore.consumer.ConsumerAppKt; }
if consumer_mvn package dependency:copy-dependencies -DoutputDirectory="$work/jvm"; then
    passed=$((passed + 1))
    shipped_copy "$(build_host_library)" "$work/native/libsessioncore.so"
    check "the app runs on what Maven resolved and the native library" \
        "run_app -Djna.library.path='$work/native' -cp '$consumer/target/classes:$work/jvm/*' >'$work/jvm.out' &&
         grep -x 'fast path: true' '$work/jvm.out' >/dev/null"
else
    echo "FAIL the app does not compile with Kotlin 2.0 against dev.sessioncore:sessioncore-jvm:$version"
    failed=$((failed + 1))
fi

# The app shrunk by R8 with the AAR's rules.
consumer_mvn -Pandroid-release dependency:copy-dependencies -DoutputDirectory="$work/android"
unzip_to "$work/android/sessioncore-android-$version.aar" "$work/aar"
unzip_to "$(echo "$work"/android/jna-[0-9]*.aar)" "$work/jna-aar"
unzip_to "$(echo "$work"/jvm/jna-[0-9]*.jar)" "$work/jna-jar"
java_home="$(java -XshowSettings:properties -version 2>&1 | sed -nE 's/^ *java.home = //p')"
shrink() {
    java -cp "$work/android/r8-9.5.28.jar" com.android.tools.r8.R8 --release --classfile --output "$2" \
        --lib "$java_home" --lib "$work/android/android-4.1.1.4.jar" --pg-conf "$1" --pg-conf "$consumer/app-rules.pro" \
        "$consumer/target/consumer-app-1.jar" "$work/aar/classes.jar" "$work/jna-aar/classes.jar" \
        "$work"/android/kotlin-stdlib-*.jar "$work"/android/annotations-*.jar
}
# JNA's native part for this JVM, from its jar (its AAR carries Android's).
run_shrunk() {
    run_app -Djna.boot.library.path="$work/jna-jar/com/sun/jna/linux-x86-64" -Djna.library.path="$work/aar/jni/host" -cp "$@"
}
if shrink "$work/aar/proguard.txt" "$work/shrunk.jar"; then
    check "R8 shrank the app (the wrapper's class was renamed)" \
        "! unzip -l '$work/shrunk.jar' | grep ' dev/sessioncore/SessionTracker.class$' >/dev/null"
    check "the shrunk app prints what the app printed, over the JNI fast path" \
        "run_shrunk '$work/shrunk.jar' >'$work/shrunk-fast.out' && diff '$work/jvm.out' '$work/shrunk-fast.out'"
    check "the shrunk app prints what the app printed, over JNA (turned off: one log line)" \
        "run_shrunk '$work/shrunk.jar' -Ddev.sessioncore.jvmFastPath=false >'$work/shrunk-jna.out' 2>'$work/shrunk-jna.err' &&
         diff <(sed 's/^fast path: true$/fast path: false/' '$work/jvm.out') '$work/shrunk-jna.out' &&
         [[ \$(grep -c 'fast path off' '$work/shrunk-jna.err') -eq 1 ]]"
else
    echo "FAIL R8 could not shrink the app with the AAR's rules"
    failed=$((failed + 1))
fi
grep -v '^-keepattributes' "$work/aar/proguard.txt" >"$work/without-attributes.pro"
check "without -keepattributes the shrunk app fails where apps crashed (the check can fail)" \
    "shrink '$work/without-attributes.pro' '$work/broken.jar' && ! run_shrunk '$work/broken.jar' >'$work/broken.out' 2>&1 &&
     grep 'does not provide enough names' '$work/broken.out' >/dev/null"

for doc in README.md docs/integration-android.md; do
    check "$doc depends on the published coordinates" \
        "grep -F 'implementation(\"dev.sessioncore:sessioncore-android:$version\")' $doc >/dev/null"
done

summarize packaging "$passed" "$failed"
[[ $failed -eq 0 ]]
