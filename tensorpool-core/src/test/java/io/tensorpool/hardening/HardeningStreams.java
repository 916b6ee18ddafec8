package io.tensorpool.hardening;

import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.StreamRegions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** Small real streams (header ring + pools) for the hardening tests, created read-write under a directory. */
public final class HardeningStreams
{
    private HardeningStreams()
    {
    }

    /**
     * Create a stream's regions under {@code streamDir} (created if missing): header ring of {@code nslots} and one
     * pool per stride, pool ids 1..n.
     */
    public static StreamRegions create(
        final Path streamDir, final int streamId, final long epoch, final int nslots, final int... strides)
        throws IOException
    {
        Files.createDirectories(streamDir);
        final long now = System.nanoTime();
        final long pid = ProcessHandle.current().pid();
        final MappedRegion ring = MappedRegion.create(streamDir.resolve("header.ring"),
            RegionSpec.headerRing(streamId, epoch, nslots), MappedRegion.PRIVATE_FILE_MODE, false, pid, now);
        final MappedRegion[] pools = new MappedRegion[strides.length];
        for (int i = 0; i < strides.length; i++)
        {
            pools[i] = MappedRegion.create(streamDir.resolve((i + 1) + ".pool"),
                RegionSpec.payloadPool(streamId, epoch, i + 1, nslots, strides[i]), MappedRegion.PRIVATE_FILE_MODE,
                false, pid, now);
        }
        return new StreamRegions(ring, List.of(pools));
    }
}
