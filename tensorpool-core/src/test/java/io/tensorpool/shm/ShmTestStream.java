package io.tensorpool.shm;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A producer-side stream (created read-write) and a consumer-side mapping of the same files (read-only, through the
 * full URI, containment and superblock validation) for tests.
 */
final class ShmTestStream implements AutoCloseable
{
    final StreamRegions producer;
    final StreamRegions consumer;
    final SlotWriter writer;
    final SlotReader reader;

    ShmTestStream(final Path dir, final int streamId, final long epoch, final int nslots, final int... strides)
    {
        final RegionSpec ringSpec = RegionSpec.headerRing(streamId, epoch, nslots);
        final long now = System.nanoTime();
        final long pid = ProcessHandle.current().pid();
        final MappedRegion ring = MappedRegion.create(
            dir.resolve("header.ring"), ringSpec, MappedRegion.PRIVATE_FILE_MODE, false, pid, now);
        final List<MappedRegion> pools = new ArrayList<>();
        final List<RegionSpec> poolSpecs = new ArrayList<>();
        for (int i = 0; i < strides.length; i++)
        {
            final RegionSpec spec = RegionSpec.payloadPool(streamId, epoch, i + 1, nslots, strides[i]);
            poolSpecs.add(spec);
            pools.add(MappedRegion.create(dir.resolve("payload-" + (i + 1) + ".pool"), spec,
                MappedRegion.PRIVATE_FILE_MODE, false, pid, now));
        }
        producer = new StreamRegions(ring, pools);

        final RegionPathPolicy policy = RegionPathPolicy.of(dir);
        final MappedRegion consumerRing = MappedRegion.map(
            RegionUri.format(ring.path().toString(), false), ringSpec, policy, false);
        final List<MappedRegion> consumerPools = new ArrayList<>();
        for (int i = 0; i < pools.size(); i++)
        {
            consumerPools.add(MappedRegion.map(
                RegionUri.format(pools.get(i).path().toString(), false), poolSpecs.get(i), policy, false));
        }
        consumer = new StreamRegions(consumerRing, consumerPools);
        writer = new SlotWriter(producer);
        reader = new SlotReader(consumer);
    }

    /** Producer-side header ring bytes, for corrupting a committed slot. */
    org.agrona.concurrent.UnsafeBuffer ringBytes()
    {
        return producer.headerRing().buffer();
    }

    @Override
    public void close()
    {
        org.agrona.CloseHelper.closeAll(consumer, producer);
    }
}
