package io.tensorpool.cli;

import io.aeron.Aeron;
import io.aeron.CommonContext;
import io.tensorpool.client.LoggingAeronClients;
import picocli.CommandLine.Option;

import java.io.File;

/**
 * Where the clients of a command find Aeron. The default matches what {@code tensorpool driver} uses with no options,
 * so commands in other shells find it: Aeron's default directory ({@code aeron.dir}, normally
 * {@code /dev/shm/aeron-$USER}).
 */
final class AeronOptions
{
    /** How long to wait for a media driver's heartbeat before reporting it unreachable. */
    static final long DRIVER_CHECK_TIMEOUT_MS = 2_000;

    @Option(names = "--aeron-dir", paramLabel = "DIR",
        description = "Aeron media driver directory (default: ${DEFAULT-VALUE}, the one 'tensorpool driver' runs).")
    String aeronDir = CommonContext.getAeronDirectoryName();

    /**
     * Connect a client to the media driver in {@link #aeronDir}, failing fast with a one-line reason when none is
     * running there.
     */
    Aeron connect()
    {
        requireActiveMediaDriver(aeronDir);
        try
        {
            return LoggingAeronClients.connect(aeronDir, "cli");
        }
        catch (final RuntimeException ex)
        {
            throw new CliFailure("cannot connect to the Aeron media driver in " + aeronDir + ": " +
                TensorPoolCommand.oneLineReason(ex), ex);
        }
    }

    static void requireActiveMediaDriver(final String aeronDir)
    {
        if (!CommonContext.isDriverActive(new File(aeronDir), DRIVER_CHECK_TIMEOUT_MS, message -> {}))
        {
            throw new CliFailure("no Aeron media driver running in " + aeronDir +
                " (start 'tensorpool driver' in another shell, or pass --aeron-dir)");
        }
    }
}
