#!/usr/bin/env bash
# Publishes the Kotlin packages into a Maven repository directory, laid out as
# Maven Central lays it out, so that apps depend on coordinates, not files:
#   dev.sessioncore:sessioncore-android  the AAR of scripts/build-android.sh
#                                        (its POM brings JNA's AAR and kotlin-stdlib)
#   dev.sessioncore:sessioncore-jvm      a jar for desktop and server JVMs: the same
#                                        classes without the Android lifecycle observer and
#                                        without a native library: the app puts
#                                        libsessioncore for its system on jna.library.path.
#                                        (JNA deletes a library it unpacks from the
#                                        classpath once loaded, so the JNI fast path could
#                                        not load that same copy and would be off.)
# each with its POM (bindings-kotlin/publish/pom.template.xml), a sources jar,
# a javadoc jar (Dokka, from the doc comments), md5 and sha1 checksums
# (maven-deploy-plugin) and sha256 and sha512 ones. Maven Central also wants
# .asc signatures: the release signs with the project's key, which is not here.
#   usage: scripts/publish-maven.sh [--host] [REPOSITORY_DIR]   (default target/maven-repo)
#     --host  the AAR carries the host library (jni/host), to test the publication here
set -euo pipefail
source "$(dirname "$0")/lib/common.sh"
cd "$SESSIONCORE_ROOT"
need mvn "install Maven 3.8 or newer"
need jar "install a JDK 17 or newer"

build_mode=()
if [[ "${1:-}" == "--host" ]]; then
    build_mode=(--host)
    shift
fi
repository="$(realpath -m "${1:-target/maven-repo}")"
version="$(workspace_field version)"
url="$(workspace_field repository)"
mvn_quiet() { mvn -B -q -ntp -Dstyle.color=never -Dmaven.repo.local="$SESSIONCORE_CACHE/maven" "$@"; }
pom_property() { sed -nE "s|.*<$1>(.*)</$1>.*|\\1|p" bindings-kotlin/pom.xml | head -1; }

scripts/build-android.sh "${build_mode[@]}"
stage="$SESSIONCORE_ROOT/target/maven-stage"
rm -rf "$stage" && mkdir -p "$stage"

# The JVM jar: the compiled classes (and their META-INF) minus the Android observer.
cp -R bindings-kotlin/target/classes "$stage/jvm"
rm -rf "$stage/jvm/dev/sessioncore/android"
jar --create --file "$stage/sessioncore-jvm.jar" -C "$stage/jvm" .

sources=(-C bindings-kotlin/src/main/kotlin . -C bindings-kotlin/target/generated-sources/uniffi .)
jar --create --file "$stage/sessioncore-jvm-sources.jar" "${sources[@]}"
jar --create --file "$stage/sessioncore-android-sources.jar" "${sources[@]}" -C bindings-kotlin/src/android/kotlin .
(cd bindings-kotlin && mvn_quiet dokka:javadocJar)
javadoc="bindings-kotlin/target/sessioncore-$version-javadoc.jar"

# write_pom ARTIFACT PACKAGING JNA_TYPE NAME DESCRIPTION ANDROID_ONLY
#   ANDROID_ONLY: "keep" keeps the template's android-only dependencies, "drop" drops them
write_pom() {
    local android_only='/<!-- .*android-only/d'
    [[ "$6" == keep ]] || android_only='/<!-- android-only/,/<!-- end android-only -->/d'
    sed -e "$android_only" -e "s|@ARTIFACT_ID@|$1|" -e "s|@PACKAGING@|$2|" -e "s|@JNA_TYPE@|$3|" -e "s|@NAME@|$4|" \
        -e "s|@DESCRIPTION@|$5|" -e "s|@VERSION@|$version|g" -e "s|@URL@|$url|g" \
        -e "s|@JNA_VERSION@|$(pom_property jna.version)|" -e "s|@KOTLIN_STDLIB_VERSION@|$(pom_property kotlin.stdlib.version)|" \
        -e "s|@LIFECYCLE_VERSION@|$(pom_property androidx.lifecycle.version)|" \
        bindings-kotlin/publish/pom.template.xml >"$stage/$1.pom"
}
summary="session tracking for mobile analytics (Snowplow client_session, RudderStack and Amplitude session fields) on one Rust core with SQLite persistence"
write_pom sessioncore-android aar aar "sessioncore for Android" \
    "sessioncore for Android: $summary. Libraries for arm64-v8a, armeabi-v7a and x86_64, lifecycle observer, consumer R8 rules." keep
write_pom sessioncore-jvm jar jar "sessioncore for the JVM" \
    "sessioncore for desktop and server JVMs: $summary. The app provides the native library on jna.library.path." drop

# deploy ARTIFACT FILE: the artifact, its POM, sources and javadoc, with md5 and sha1.
deploy() {
    rm -rf "$repository/dev/sessioncore/$1/$version"
    (cd "$stage" && mvn_quiet org.apache.maven.plugins:maven-deploy-plugin:3.1.3:deploy-file \
        -Durl="file://$repository" -DrepositoryId=local -DpomFile="$stage/$1.pom" -Dfile="$2" \
        -Dsources="$stage/$1-sources.jar" -Djavadoc="$SESSIONCORE_ROOT/$javadoc")
}
deploy sessioncore-android "$SESSIONCORE_ROOT/target/android/sessioncore-$version.aar"
deploy sessioncore-jvm "$stage/sessioncore-jvm.jar"

# The stronger checksums Maven Central also accepts, beside every file.
find "$repository/dev/sessioncore" -type f ! -name '*.md5' ! -name '*.sha1' ! -name '*.sha256' ! -name '*.sha512' |
    while read -r file; do
        sha256sum "$file" | cut -d' ' -f1 >"$file.sha256"
        sha512sum "$file" | cut -d' ' -f1 >"$file.sha512"
    done
echo "published dev.sessioncore:sessioncore-android:$version and dev.sessioncore:sessioncore-jvm:$version to $repository"
