package io.tensorpool.cli;

import picocli.CommandLine.Option;

import java.time.Duration;

/** Options every long-running command shares: how long to run, the live status line and the JSON summary. */
final class RunOptions
{
    @Option(names = "--duration", paramLabel = "SECONDS",
        description = "Stop after this many seconds (default: run until the count is reached or Ctrl-C).")
    Double durationSeconds;

    @Option(names = "--json", description = "Print the final summary as one JSON object on stdout.")
    boolean json;

    @Option(names = "--no-status", negatable = false,
        description = "Do not print the live status line on stderr.")
    boolean noStatus;

    /** The duration, or null to run until stopped. */
    Duration duration()
    {
        if (durationSeconds == null)
        {
            return null;
        }
        if (!(durationSeconds > 0) || durationSeconds.isInfinite())
        {
            throw new CliFailure("--duration must be a positive number of seconds, was " + durationSeconds,
                TensorPoolCommand.EXIT_USAGE, null);
        }
        return Duration.ofNanos((long)(durationSeconds * 1e9));
    }
}
