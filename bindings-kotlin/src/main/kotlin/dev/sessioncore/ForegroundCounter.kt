package dev.sessioncore

/**
 * Turns activity start/stop callbacks into process-level foreground and
 * background transitions, the way Android's ProcessLifecycleOwner does: the
 * app is in the foreground while at least one activity is started, and an
 * activity stopped only to be recreated (a configuration change such as a
 * rotation) is not a trip to the background. Plain Kotlin, so it is tested on
 * the JVM; [dev.sessioncore.android.SessionLifecycleObserver] feeds it.
 */
class ForegroundCounter(private val transitions: Transitions) {
    /** Receives the process-level transitions. */
    interface Transitions {
        fun onForeground()

        fun onBackground()
    }

    private var started = 0
    private var recreating = false

    @Synchronized
    fun activityStarted() {
        started += 1
        if (started == 1 && !recreating) transitions.onForeground()
        recreating = false
    }

    @Synchronized
    fun activityStopped(changingConfigurations: Boolean) {
        if (started == 0) return // a stop without a start: nothing to count
        started -= 1
        if (started > 0) return
        if (changingConfigurations) recreating = true else transitions.onBackground()
    }
}
