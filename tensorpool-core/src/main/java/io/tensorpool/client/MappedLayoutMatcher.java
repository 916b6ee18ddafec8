package io.tensorpool.client;

import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.StreamLayout;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * Tells whether an announce describes exactly the regions already mapped, without decoding it into a
 * {@link StreamLayout}: that is every announce of a steady stream (1 Hz per producer), so the comparison reads the
 * fields and the URI bytes in place and allocates nothing. Anything else (a different epoch, geometry or URI, or a
 * URI this byte comparison cannot confirm) answers false, and the consumer decodes the announce as before.
 */
final class MappedLayoutMatcher
{
    private final UnsafeBuffer uriView = new UnsafeBuffer(0, 0);
    private StreamLayout layout;
    private byte[] headerUri;
    private byte[][] poolUris;

    /** The layout now mapped, or null once unmapped. */
    void mapped(final StreamLayout mapped)
    {
        layout = mapped;
        if (mapped == null)
        {
            headerUri = null;
            poolUris = null;
            return;
        }
        // the schema's URIs are US-ASCII: these are the bytes an unchanged announce carries
        headerUri = mapped.headerRegionUri().getBytes(StandardCharsets.US_ASCII);
        final List<PoolDescriptor> pools = mapped.pools();
        poolUris = new byte[pools.size()][];
        for (int i = 0; i < poolUris.length; i++)
        {
            poolUris[i] = pools.get(i).regionUri().getBytes(StandardCharsets.US_ASCII);
        }
    }

    /**
     * @param announce a shape-checked announce of this stream; rewound before returning, so it can still be decoded.
     * @return true if it describes the mapped layout field for field and byte for byte.
     */
    boolean matches(final ShmPoolAnnounceDecoder announce)
    {
        final boolean same = layout != null && compare(announce);
        announce.sbeRewind();
        return same;
    }

    private boolean compare(final ShmPoolAnnounceDecoder announce)
    {
        if (announce.epoch() != layout.epoch() ||
            announce.headerSlotBytes() != ShmLayout.HEADER_SLOT_BYTES ||
            announce.headerNslots() != (layout.headerNslots() & 0xFFFF_FFFFL) ||
            announce.layoutVersion() != (layout.layoutVersion() & 0xFFFF_FFFFL))
        {
            return false;
        }
        final List<PoolDescriptor> pools = layout.pools();
        final ShmPoolAnnounceDecoder.PayloadPoolsDecoder entries = announce.payloadPools();
        if (entries.count() != pools.size())
        {
            return false;
        }
        for (int i = 0; entries.hasNext(); i++)
        {
            entries.next();
            final PoolDescriptor pool = pools.get(i);
            if (entries.poolId() != pool.poolId() ||
                entries.poolNslots() != (pool.nslots() & 0xFFFF_FFFFL) ||
                entries.strideBytes() != (pool.strideBytes() & 0xFFFF_FFFFL))
            {
                return false;
            }
            entries.wrapRegionUri(uriView);
            if (!sameBytes(uriView, poolUris[i]))
            {
                return false;
            }
        }
        announce.wrapHeaderRegionUri(uriView);
        return sameBytes(uriView, headerUri);
    }

    private static boolean sameBytes(final DirectBuffer buffer, final byte[] expected)
    {
        if (buffer.capacity() != expected.length)
        {
            return false;
        }
        for (int i = 0; i < expected.length; i++)
        {
            if (buffer.getByte(i) != expected[i])
            {
                return false;
            }
        }
        return true;
    }
}
