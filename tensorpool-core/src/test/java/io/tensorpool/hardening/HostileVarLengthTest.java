package io.tensorpool.hardening;

import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import io.tensorpool.driver.client.PoolAnnouncePoller;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.RegionUri;
import io.tensorpool.shm.StreamLayout;
import org.agrona.MutableDirectBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/**
 * Oversized var-length fields (Wire §10.1.1 ShmPoolAnnounce region URIs, u32 lengths) reach the pollers: each such
 * message is counted as malformed and never delivered, and no exception escapes to the Aeron poll loop. Lengths of
 * 2^31 and above used to escape as NegativeArraySizeException (found by ClientPollerFuzzTest#poolAnnouncePoller).
 */
class HostileVarLengthTest
{
    private static final StreamLayout LAYOUT = new StreamLayout(10000, 3, 1, 8,
        RegionUri.format("/dev/shm/tp/a/header.ring", false),
        List.of(new PoolDescriptor(1, 8, 4096, RegionUri.format("/dev/shm/tp/a/1.pool", false))));

    /** Offset of the first pool's regionUri length: header 8 + block + group header 4 + pool block. */
    private static int poolUriLengthOffset()
    {
        return 8 + ShmPoolAnnounceDecoder.BLOCK_LENGTH + 4 +
            ShmPoolAnnounceDecoder.PayloadPoolsDecoder.sbeBlockLength();
    }

    @ParameterizedTest
    @ValueSource(longs = {0xFFFF_FFFFL, 0x8000_0000L, 0x7FFF_FFFFL, 65536, 1000})
    void oversizedRegionUriLengthIsMalformedNotAnException(final long hostileLength)
    {
        final WireMessageEncoder encoder = new WireMessageEncoder();
        final int length = encoder.shmPoolAnnounce(LAYOUT, 1, 1_000L);
        final MutableDirectBuffer buffer = encoder.buffer();
        buffer.putInt(poolUriLengthOffset(), (int)hostileLength);

        final StreamLayout[] delivered = new StreamLayout[1];
        final PoolAnnouncePoller announces = new PoolAnnouncePoller(PoolAnnouncePoller.ALL_STREAMS,
            (layout, producerId, ts) -> delivered[0] = layout, () -> 1_000L, Long.MAX_VALUE / 4);
        announces.onFragment(buffer, 0, length, null);
        assertNull(delivered[0]);
        assertEquals(1, announces.malformedCount());

        final Object[] wireDelivered = new Object[1];
        final WirePoller wire = new WirePoller(null, new WireMessageListener()
        {
            @Override
            public void onShmPoolAnnounce(final ShmPoolAnnounceDecoder decoder, final int source)
            {
                wireDelivered[0] = decoder;
            }
        }, 0, "hostile", false);
        wire.onFragment(buffer, 0, length, null);
        assertNull(wireDelivered[0], "WirePoller delivered an announce whose URI runs past the message");
        assertEquals(1, wire.malformedCount());
    }
}
