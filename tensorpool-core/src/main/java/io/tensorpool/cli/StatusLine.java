package io.tensorpool.cli;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The live status line of a long-running command on stderr, about once a second: frame rate and throughput over the
 * last interval, totals and drops. On a terminal it rewrites one line; otherwise (logs, pipes) it prints a line per
 * interval. Only formats text when it prints, so calling {@link #update} every duty cycle is cheap.
 */
final class StatusLine
{
    static final long DEFAULT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);

    private final PrintWriter err;
    private final String label;
    private final boolean enabled;
    private final boolean rewrite;
    private final long intervalNs;
    private long lastPrintNs;
    private long lastFrames;
    private long lastBytes;
    private int lastWidth;
    private boolean printed;

    StatusLine(final PrintWriter err, final String label, final boolean enabled)
    {
        this(err, label, enabled, System.console() != null, DEFAULT_INTERVAL_NS);
    }

    StatusLine(final PrintWriter err, final String label, final boolean enabled, final boolean rewrite,
        final long intervalNs)
    {
        this.err = err;
        this.label = label;
        this.enabled = enabled;
        this.rewrite = rewrite;
        this.intervalNs = intervalNs;
        this.lastPrintNs = System.nanoTime();
    }

    /**
     * Print the line if an interval has passed.
     *
     * @param extra further counters for this command, e.g. {@code "drops_gap=0 drops_late=0"}; may be empty.
     * @return true if a line was printed.
     */
    boolean update(final long nowNs, final long frames, final long bytes, final String extra)
    {
        if (!due(nowNs))
        {
            return false;
        }
        final double seconds = (nowNs - lastPrintNs) / 1e9;
        final String line = String.format(Locale.ROOT, "%s: %.1f frames/s %s/s | total %d frames %s%s",
            label, (frames - lastFrames) / seconds, formatBytes((bytes - lastBytes) / seconds), frames,
            formatBytes(bytes), extra.isEmpty() ? "" : " | " + extra);
        lastFrames = frames;
        lastBytes = bytes;
        print(nowNs, line);
        return true;
    }

    /** True when enabled and an interval has passed since the last line. */
    boolean due(final long nowNs)
    {
        return enabled && nowNs - lastPrintNs >= intervalNs;
    }

    /** Print a line of the command's own making (for commands without frame counters) and restart the interval. */
    void print(final long nowNs, final String line)
    {
        if (rewrite)
        {
            err.print('\r' + line + " ".repeat(Math.max(0, lastWidth - line.length())));
        }
        else
        {
            err.println(line);
        }
        err.flush();
        lastWidth = line.length();
        lastPrintNs = nowNs;
        printed = true;
    }

    /** End the rewritten line so that what follows starts on a fresh line. */
    void finish()
    {
        if (rewrite && printed)
        {
            err.println();
            err.flush();
        }
    }

    static String formatBytes(final double bytes)
    {
        if (bytes >= 1e9)
        {
            return String.format(Locale.ROOT, "%.2f GB", bytes / 1e9);
        }
        if (bytes >= 1e6)
        {
            return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
        }
        if (bytes >= 1e3)
        {
            return String.format(Locale.ROOT, "%.1f kB", bytes / 1e3);
        }
        return String.format(Locale.ROOT, "%.0f B", bytes);
    }
}
