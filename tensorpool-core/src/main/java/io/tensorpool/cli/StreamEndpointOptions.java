package io.tensorpool.cli;

import io.aeron.Aeron;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/**
 * The endpoint the data commands ({@code produce}, {@code consume}) work on: one stream, reached through the media
 * driver in {@code --aeron-dir}, with its region files under {@code --shm-dir}.
 */
final class StreamEndpointOptions
{
    @Option(names = "--stream", required = true, paramLabel = "ID", description = "Stream id (u32, not 0).")
    long streamId;

    @Mixin
    AeronOptions aeronOptions;

    @Mixin
    ShmDirOptions shmDirOptions;

    /** The stream id as u32 bits; a usage error unless it is a non-zero u32. */
    int streamId()
    {
        return CliArguments.streamId(streamId);
    }

    /** A client of the media driver in {@code --aeron-dir}; fails fast with a one-line reason if none runs there. */
    Aeron connect()
    {
        return aeronOptions.connect();
    }

    /** The region base directory, created (owner-only) when missing. */
    Path shmBaseDir()
    {
        return shmDirOptions.created();
    }
}
