package io.tensorpool.benchmarks;

import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionPathPolicy;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.StreamRegions;
import org.agrona.CloseHelper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One stream's regions in a fresh directory under /dev/shm (the tmpfs a deployment uses), with a single payload pool
 * whose stride is the smallest legal one for the frame size, created by the producer side and, when asked, mapped
 * read-only by a consumer side through full validation. Closing unmaps and deletes everything.
 */
final class BenchmarkStream implements AutoCloseable
{
    static final int STREAM_ID = 1;
    static final long EPOCH = 1;

    final Path dir;
    final StreamRegions producer;
    final StreamRegions consumer;

    BenchmarkStream(final int nslots, final int frameBytes, final boolean mapConsumer)
    {
        try
        {
            dir = Files.createTempDirectory(Path.of(System.getProperty("tensorpool.bench.dir", "/dev/shm")),
                "tensorpool-bench-");
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        final int stride = strideFor(frameBytes);
        final RegionSpec ringSpec = RegionSpec.headerRing(STREAM_ID, EPOCH, nslots);
        final RegionSpec poolSpec = RegionSpec.payloadPool(STREAM_ID, EPOCH, 1, nslots, stride);
        final long pid = ProcessHandle.current().pid();
        final long now = System.nanoTime();
        final MappedRegion ring = MappedRegion.create(
            dir.resolve("header.ring"), ringSpec, MappedRegion.PRIVATE_FILE_MODE, true, pid, now);
        final MappedRegion pool = MappedRegion.create(
            dir.resolve("payload-1.pool"), poolSpec, MappedRegion.PRIVATE_FILE_MODE, true, pid, now);
        producer = new StreamRegions(ring, List.of(pool));
        if (mapConsumer)
        {
            final RegionPathPolicy policy = RegionPathPolicy.of(dir);
            consumer = new StreamRegions(
                MappedRegion.map(RegionUri.format(ring.path().toString(), false), ringSpec, policy, false),
                List.of(MappedRegion.map(RegionUri.format(pool.path().toString(), false), poolSpec, policy, false)));
        }
        else
        {
            consumer = null;
        }
    }

    /** Smallest power of two that holds the frame and is a multiple of the 4 KiB page (Wire §15.22). */
    static int strideFor(final int frameBytes)
    {
        int stride = 4096;
        while (stride < frameBytes)
        {
            stride <<= 1;
        }
        return stride;
    }

    @Override
    public void close()
    {
        CloseHelper.closeAll(consumer, producer);
        try (Stream<Path> files = Files.walk(dir))
        {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
