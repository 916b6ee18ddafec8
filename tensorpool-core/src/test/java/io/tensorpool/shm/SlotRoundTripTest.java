package io.tensorpool.shm;

import io.tensorpool.codecs.wire.Dtype;
import io.tensorpool.tensor.TensorLayoutRules;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class SlotRoundTripTest
{
    @TempDir
    Path dir;

    @Test
    void committedFrameIsReadBackAndOverwriteIsDetected()
    {
        final RegionPathPolicy policy = RegionPathPolicy.of(dir);
        final RegionSpec ringSpec = RegionSpec.headerRing(7, 3, 4);
        final RegionSpec poolSpec = RegionSpec.payloadPool(7, 3, 1, 4, 4096);
        final long now = System.nanoTime();
        try (MappedRegion ring = MappedRegion.create(dir.resolve("header.ring"), ringSpec,
                MappedRegion.PRIVATE_FILE_MODE, true, ProcessHandle.current().pid(), now);
            MappedRegion pool = MappedRegion.create(dir.resolve("payload-1.pool"), poolSpec,
                MappedRegion.PRIVATE_FILE_MODE, true, ProcessHandle.current().pid(), now);
            StreamRegions producerSide = new StreamRegions(ring, List.of(pool));
            StreamRegions consumerSide = new StreamRegions(
                MappedRegion.map(RegionUri.format(ring.path().toString(), false), ringSpec, policy, false),
                List.of(MappedRegion.map(RegionUri.format(pool.path().toString(), false), poolSpec, policy, false))))
        {
            final SlotWriter writer = new SlotWriter(producerSide);
            final FrameClaim claim = new FrameClaim();
            assertEquals(1, writer.claim(5, 12, claim));
            for (int i = 0; i < 12; i++)
            {
                claim.buffer().putByte(i, (byte)(i + 5));
            }
            claim.dtype(Dtype.UINT8).shape(new int[]{3, 4}, 2).timestampNs(42).metaVersion(9);
            assertEquals(TensorLayoutRules.OK, claim.commit());

            final SlotReader reader = new SlotReader(consumerSide);
            final FrameView view = new FrameView();
            assertEquals(SlotReader.OK, reader.begin(1, 5, view));
            assertEquals(12, view.valuesLength());
            assertEquals(2, view.ndims());
            assertEquals(4, view.stride(0));
            assertEquals(1, view.stride(1));
            assertEquals(42, view.timestampNs());
            assertEquals(9, view.metaVersion());
            assertEquals(16, view.payload().getByte(11));
            assertTrue(view.stillCommitted());

            assertEquals(1, writer.claim(9, 12, claim));
            assertFalse(view.stillCommitted(), "overwrite in progress must invalidate the earlier read");
            assertEquals(SlotReader.NOT_COMMITTED, reader.begin(1, 5, view));
            claim.shape1d(12).commit();
            assertEquals(SlotReader.OVERWRITTEN, reader.begin(1, 5, view));
            assertEquals(SlotReader.OK, reader.begin(1, 9, view));
        }
    }
}
