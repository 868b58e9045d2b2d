package dev.sessioncore

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class ForegroundCounterTest {
    private val seen = mutableListOf<String>()
    private val counter = ForegroundCounter(
        object : ForegroundCounter.Transitions {
            override fun onForeground() {
                seen += "foreground"
            }

            override fun onBackground() {
                seen += "background"
            }
        },
    )

    @Test
    fun launchAndHomeButton() {
        counter.activityStarted()
        counter.activityStopped(changingConfigurations = false)
        assertEquals(listOf("foreground", "background"), seen)
    }

    @Test
    fun movingBetweenActivitiesStaysInTheForeground() {
        counter.activityStarted() // A
        counter.activityStarted() // B starts before A stops
        counter.activityStopped(changingConfigurations = false) // A
        counter.activityStopped(changingConfigurations = false) // B: home
        assertEquals(listOf("foreground", "background"), seen)
    }

    @Test
    fun rotationIsNotATripToTheBackground() {
        counter.activityStarted()
        counter.activityStopped(changingConfigurations = true)
        counter.activityStarted() // the recreated activity
        counter.activityStopped(changingConfigurations = false)
        assertEquals(listOf("foreground", "background"), seen)
    }

    @Test
    fun unbalancedStopsAreIgnored() {
        counter.activityStopped(changingConfigurations = false)
        counter.activityStarted()
        assertEquals(listOf("foreground"), seen)
    }

    @Test
    fun drivesATrackerThroughItsLifecycle() {
        val dir = kotlin.io.path.createTempDirectory("sessioncore-lifecycle").toFile()
        SessionTracker.open(java.io.File(dir, "s.db").path).use { tracker ->
            val lifecycle = ForegroundCounter(
                object : ForegroundCounter.Transitions {
                    override fun onForeground() {
                        tracker.foreground()
                    }

                    override fun onBackground() {
                        tracker.background()
                    }
                },
            )
            lifecycle.activityStarted()
            tracker.track()
            lifecycle.activityStopped(changingConfigurations = false)
            assertEquals(true, tracker.isInBackground)
            lifecycle.activityStarted()
            assertEquals(false, tracker.isInBackground)
            assertEquals(1, tracker.foregroundIndex)
            assertEquals(1, tracker.backgroundIndex)
        }
        dir.deleteRecursively()
    }
}
