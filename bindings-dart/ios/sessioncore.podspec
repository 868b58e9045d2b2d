# The iOS side of the FFI plugin: the static SessionCoreFFI.xcframework built
# by scripts/build-xcframework.sh (copy it next to this file). Dart finds the
# symbols in the app process, so they are force-loaded against dead-stripping.
Pod::Spec.new do |s|
  s.name             = 'sessioncore'
  s.version          = '0.1.0'
  s.summary          = 'Mobile analytics session tracking shared with Android and Dart (Rust core).'
  s.homepage         = 'https://sessioncore.dev'
  s.license          = { :type => 'Apache-2.0' }
  s.author           = 'sessioncore'
  s.source           = { :path => '.' }
  s.platform         = :ios, '15.0'
  s.dependency 'Flutter'
  s.vendored_frameworks = 'SessionCoreFFI.xcframework'
  s.static_framework = true
  s.pod_target_xcconfig = { 'DEFINES_MODULE' => 'YES' }
  s.user_target_xcconfig = { 'OTHER_LDFLAGS' => '-force_load "${PODS_XCFRAMEWORKS_BUILD_DIR}/sessioncore/libsessioncore.a"' }
end
