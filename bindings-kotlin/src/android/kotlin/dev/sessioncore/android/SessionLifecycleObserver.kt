package dev.sessioncore.android

import android.app.Activity
import android.app.Application
import android.os.Bundle
import android.util.Log
import dev.sessioncore.ForegroundCounter
import dev.sessioncore.SessionCoreException
import dev.sessioncore.SessionTracker

/**
 * Wires an app's process-level foreground/background transitions into a
 * [SessionTracker]: `SessionLifecycleObserver.install(application, tracker)`
 * in `Application.onCreate`, and nothing else. Failures are logged, never
 * thrown into the activity lifecycle.
 */
class SessionLifecycleObserver private constructor(tracker: SessionTracker) : Application.ActivityLifecycleCallbacks {
    private val counter = ForegroundCounter(
        object : ForegroundCounter.Transitions {
            override fun onForeground() = logFailure("foreground") { tracker.foreground() }

            override fun onBackground() = logFailure("background") { tracker.background() }
        },
    )

    override fun onActivityStarted(activity: Activity) = counter.activityStarted()

    override fun onActivityStopped(activity: Activity) = counter.activityStopped(activity.isChangingConfigurations)

    override fun onActivityCreated(activity: Activity, savedInstanceState: Bundle?) {}

    override fun onActivityResumed(activity: Activity) {}

    override fun onActivityPaused(activity: Activity) {}

    override fun onActivitySaveInstanceState(activity: Activity, outState: Bundle) {}

    override fun onActivityDestroyed(activity: Activity) {}

    companion object {
        private const val TAG = "sessioncore"

        /** Registers the observer on [application]; returns it for unregistering. */
        @JvmStatic
        fun install(application: Application, tracker: SessionTracker): SessionLifecycleObserver =
            SessionLifecycleObserver(tracker).also(application::registerActivityLifecycleCallbacks)

        private inline fun logFailure(transition: String, call: () -> Unit) {
            try {
                call()
            } catch (e: SessionCoreException) {
                Log.w(TAG, "$transition transition not recorded: ${e.message}")
            }
        }
    }
}
