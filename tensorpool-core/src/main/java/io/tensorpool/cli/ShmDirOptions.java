package io.tensorpool.cli;

import io.tensorpool.driver.ShmDriverConfiguration;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Where region files live for the data commands: the per-user directory {@code /dev/shm/tensorpool-$USER} that
 * {@code tensorpool driver} uses by default. Consumers map only files under it (Wire §15.21a.5).
 */
final class ShmDirOptions
{
    @Option(names = "--shm-dir", paramLabel = "DIR",
        description = "Base directory of region files (default: ${DEFAULT-VALUE}).")
    Path shmDir = ShmDriverConfiguration.defaultShmBaseDir();

    /** The region base directory, created (owner-only) when missing so that consumers can name it as allowed. */
    Path created()
    {
        if (!shmDir.isAbsolute())
        {
            throw new CliFailure("--shm-dir must be an absolute path: " + shmDir, TensorPoolCommand.EXIT_USAGE, null);
        }
        try
        {
            if (!Files.isDirectory(shmDir))
            {
                Files.createDirectories(shmDir);
                Files.setPosixFilePermissions(shmDir, PosixFilePermissions.fromString("rwx------"));
            }
            return shmDir;
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            throw new CliFailure("cannot create region directory " + shmDir + ": " + ex.getMessage(), ex);
        }
    }
}
