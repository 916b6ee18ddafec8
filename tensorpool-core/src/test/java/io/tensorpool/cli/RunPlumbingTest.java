package io.tensorpool.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.tensorpool.testing.Await;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class RunPlumbingTest
{
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void statusLineReportsRatesOverTheLastIntervalAndTotals()
    {
        final StringWriter text = new StringWriter();
        final StatusLine status = new StatusLine(new PrintWriter(text), "consume stream=10000", true, false, SECOND);
        final long start = System.nanoTime();
        assertFalse(status.update(start, 5, 500, ""), "nothing before the first interval");
        assertTrue(status.update(start + 2 * SECOND + SECOND / 2, 250, 2_500_000, "drops_gap=1 drops_late=0"));
        assertFalse(status.update(start + 2 * SECOND + SECOND / 2 + 1, 260, 2_600_000, ""));
        final String line = text.toString().strip();
        assertTrue(line.startsWith("consume stream=10000: "), line);
        assertTrue(line.contains("total 250 frames 2.5 MB | drops_gap=1 drops_late=0"), line);
        assertTrue(line.contains(": 100.0 frames/s "), line);
    }

    @Test
    void statusLineOnATerminalRewritesOneLineAndEndsItOnFinish()
    {
        final StringWriter text = new StringWriter();
        final StatusLine status = new StatusLine(new PrintWriter(text), "produce", true, true, 1);
        final long now = System.nanoTime() + SECOND;
        assertTrue(status.update(now, 10, 10, ""));
        assertTrue(status.update(now + SECOND, 20, 20, ""));
        status.finish();
        assertEquals(2, text.toString().chars().filter(c -> c == '\r').count());
        assertTrue(text.toString().endsWith(System.lineSeparator()));
    }

    @Test
    void disabledStatusLinePrintsNothing()
    {
        final StringWriter text = new StringWriter();
        final StatusLine status = new StatusLine(new PrintWriter(text), "x", false, false, 1);
        assertFalse(status.update(System.nanoTime() + SECOND, 1, 1, ""));
        status.finish();
        assertEquals("", text.toString());
    }

    @Test
    void stopSignalStopsAfterItsDurationOrWhenAsked()
    {
        try (StopSignal timed = StopSignal.install(Duration.ofMillis(50)))
        {
            assertTrue(timed.running());
            Await.until("duration elapsed", () -> !timed.running());
            assertFalse(timed.interruptedBySignal());
        }
        try (StopSignal untimed = StopSignal.install(null))
        {
            assertTrue(untimed.running());
            untimed.requestStop();
            assertFalse(untimed.running());
        }
    }

    @Test
    void summaryIsOneKeyValueLineOrOneJsonObject()
    {
        final ObjectNode summary = JsonNodeFactory.instance.objectNode();
        summary.put("frames", 3).put("drops_gap", 0).put("stream", "10000");
        final StringWriter text = new StringWriter();
        SummaryOutput.print(new PrintWriter(text), false, summary);
        assertEquals("frames=3 drops_gap=0 stream=10000" + System.lineSeparator(), text.toString());
        final StringWriter json = new StringWriter();
        SummaryOutput.print(new PrintWriter(json), true, summary);
        assertTrue(json.toString().contains("\"drops_gap\" : 0"), json.toString());
    }
}
