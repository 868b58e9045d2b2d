// swift-tools-version:5.9
// The development/test layout of the Swift binding: the generated C header
// (SessionCoreFFI), the generated Swift (SessionCoreBindings) and the
// idiomatic wrapper (SessionCore), linked against the host-built
// libsessioncore. scripts/gen-bindings.sh writes the generated files;
// scripts/test-swift.sh builds the library and runs `swift test`.
import PackageDescription

// Where libsessioncore is; scripts/test-swift.sh sets it, the default is the
// workspace's release build.
let libDir = Context.environment["SESSIONCORE_LIB_DIR"] ?? "\(Context.packageDirectory)/../target/release"

let package = Package(
    name: "SessionCore",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [.library(name: "SessionCore", targets: ["SessionCore"])],
    targets: [
        .target(
            name: "SessionCoreFFI",
            linkerSettings: [
                .linkedLibrary("sessioncore"),
                .unsafeFlags(["-L", libDir, "-Xlinker", "-rpath", "-Xlinker", libDir]),
            ]
        ),
        .target(name: "SessionCoreBindings", dependencies: ["SessionCoreFFI"]),
        // SessionCoreFFI too: its fast path calls the generated C entry points.
        .target(name: "SessionCore", dependencies: ["SessionCoreBindings", "SessionCoreFFI"]),
        .executableTarget(name: "SessionCoreBench", dependencies: ["SessionCore", "SessionCoreBindings"]),
        .testTarget(name: "SessionCoreTests", dependencies: ["SessionCore", "SessionCoreBindings"]),
    ]
)
