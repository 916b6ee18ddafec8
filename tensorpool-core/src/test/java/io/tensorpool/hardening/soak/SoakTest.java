package io.tensorpool.hardening.soak;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The soak run as a test, off by default (minutes long): {@code -Dtensorpool.soak.seconds=120} enables it (see
 * docs/hardening.md). Nothing delivered may have wrong bytes, and frames must flow across every kill.
 */
@Tag("soak")
class SoakTest
{
    @Test
    @EnabledIfSystemProperty(named = "tensorpool.soak.seconds", matches = "\\d+")
    void producerConsumerAndDriverSurviveRandomKills() throws Exception
    {
        final Map<String, Long> totals = SoakMain.run(Integer.getInteger("tensorpool.soak.seconds"), 3, 10, null);
        System.out.println("SOAK RESULT " + totals);
        assertEquals(0L, totals.get("badFrames"), totals.toString());
        assertTrue(totals.getOrDefault("framesDelivered", 0L) > 0, totals.toString());
    }
}
