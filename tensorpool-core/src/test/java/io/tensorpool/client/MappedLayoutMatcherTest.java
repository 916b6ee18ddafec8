package io.tensorpool.client;

import io.tensorpool.codecs.wire.MessageHeaderDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.StreamLayout;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The in-place comparison of an announce with the mapped layout: the same layout matches; any difference in epoch,
 * geometry, pools or URI bytes does not (the consumer then decodes and remaps); the announce can still be decoded
 * in full afterwards.
 */
class MappedLayoutMatcherTest
{
    private static final StreamLayout MAPPED = layout(3, 64, 1, "shm:file?path=/h", 1, 64, 4096, "shm:file?path=/p1");

    private final WireMessageEncoder encoder = new WireMessageEncoder();
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final ShmPoolAnnounceDecoder announce = new ShmPoolAnnounceDecoder();
    private final MappedLayoutMatcher matcher = new MappedLayoutMatcher();

    @Test
    void theMappedLayoutMatchesAndTheAnnounceStaysDecodable()
    {
        matcher.mapped(MAPPED);
        assertTrue(matcher.matches(wrap(MAPPED)));
        // rewound: a full decode after the comparison still reads every group entry and the header URI
        final ShmPoolAnnounceDecoder.PayloadPoolsDecoder pools = announce.payloadPools();
        assertEquals(1, pools.count());
        pools.next();
        assertEquals("shm:file?path=/p1", pools.regionUri());
        assertEquals("shm:file?path=/h", announce.headerRegionUri());
    }

    @Test
    void everyDifferenceIsNoMatch()
    {
        matcher.mapped(MAPPED);
        final List<StreamLayout> different = List.of(
            layout(4, 64, 1, "shm:file?path=/h", 1, 64, 4096, "shm:file?path=/p1"),
            layout(3, 128, 1, "shm:file?path=/h", 1, 64, 4096, "shm:file?path=/p1"),
            layout(3, 64, 2, "shm:file?path=/h", 1, 64, 4096, "shm:file?path=/p1"),
            layout(3, 64, 1, "shm:file?path=/x", 1, 64, 4096, "shm:file?path=/p1"),
            layout(3, 64, 1, "shm:file?path=/hh", 1, 64, 4096, "shm:file?path=/p1"),
            layout(3, 64, 1, "shm:file?path=/h", 2, 64, 4096, "shm:file?path=/p1"),
            layout(3, 64, 1, "shm:file?path=/h", 1, 32, 4096, "shm:file?path=/p1"),
            layout(3, 64, 1, "shm:file?path=/h", 1, 64, 8192, "shm:file?path=/p1"),
            layout(3, 64, 1, "shm:file?path=/h", 1, 64, 4096, "shm:file?path=/p2"),
            layout(3, 64, 1, "shm:file?path=/h", 1, 64, 4096, "shm:file?path=/p1|require_hugepages=true"),
            new StreamLayout(10, 3, 1, 64, "shm:file?path=/h", List.of(
                new PoolDescriptor(1, 64, 4096, "shm:file?path=/p1"),
                new PoolDescriptor(2, 64, 65536, "shm:file?path=/p2"))));
        for (final StreamLayout layout : different)
        {
            assertFalse(matcher.matches(wrap(layout)), layout.toString());
            assertEquals("shm:file?path=/", announce.payloadPools().next().regionUri().substring(0, 15),
                "rewound after " + layout);
        }
    }

    @Test
    void nothingMatchesWhileUnmapped()
    {
        assertFalse(matcher.matches(wrap(MAPPED)));
        matcher.mapped(MAPPED);
        matcher.mapped(null);
        assertFalse(matcher.matches(wrap(MAPPED)));
    }

    private ShmPoolAnnounceDecoder wrap(final StreamLayout layout)
    {
        encoder.shmPoolAnnounce(layout, 77, 1_000L);
        header.wrap(encoder.buffer(), 0);
        return announce.wrapAndApplyHeader(encoder.buffer(), 0, header);
    }

    private static StreamLayout layout(
        final long epoch,
        final int nslots,
        final int layoutVersion,
        final String headerUri,
        final int poolId,
        final int poolNslots,
        final int stride,
        final String poolUri)
    {
        return new StreamLayout(10, epoch, layoutVersion, nslots, headerUri,
            List.of(new PoolDescriptor(poolId, poolNslots, stride, poolUri)));
    }
}
