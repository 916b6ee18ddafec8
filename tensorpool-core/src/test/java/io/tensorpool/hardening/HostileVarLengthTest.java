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

    /** ShmAttachResponse (Driver §4.3) whose last var-length field claims more bytes than the message has. */
    @ParameterizedTest
    @ValueSource(longs = {0xFFFF_FFFFL, 0x8000_0000L, 0x7FFF_FFF0L, 65536})
    void oversizedAttachResponseTextIsMalformedNotDelivered(final long hostileLength)
    {
        final org.agrona.ExpandableArrayBuffer buffer = new org.agrona.ExpandableArrayBuffer();
        final int length = new io.tensorpool.driver.DriverResponseEncoder().attachError(buffer, 0, 7,
            io.tensorpool.codecs.driver.ResponseCode.REJECTED, "no");
        // the error message is the last field: its u32 length sits 4 + 2 bytes before the end
        buffer.putInt(length - 2 - 4, (int)hostileLength);
        final Object[] delivered = new Object[1];
        final io.tensorpool.driver.client.DriverEventPoller poller = new io.tensorpool.driver.client.DriverEventPoller(
            new io.tensorpool.driver.client.DriverEventListener()
            {
                @Override
                public void onAttachResponse(final io.tensorpool.codecs.driver.ShmAttachResponseDecoder response)
                {
                    // what DriverClient does with a rejection: skip to the text and read it
                    final io.tensorpool.codecs.driver.ShmAttachResponseDecoder.PayloadPoolsDecoder pools =
                        response.payloadPools();
                    while (pools.hasNext())
                    {
                        pools.next().skipRegionUri();
                    }
                    response.skipHeaderRegionUri();
                    final byte[] text = new byte[64];
                    delivered[0] = response.getErrorMessage(text, 0, text.length);
                }
            });
        poller.onFragment(buffer, 0, length, null);
        // refused before delivery (MessageShapes): no exception, no 2 GiB allocation, no read past the message
        assertNull(delivered[0], "attach response with text running past the message was read");
        assertEquals(1, poller.malformedCount());
    }

    /**
     * Wire §10.3 DataSourceAnnounce whose first text claims 2^32-1 bytes: SBE reads that as -1, which moves the decoder
     * backwards by one byte, so the message still appears to end inside its fragment. Found by
     * ClientPollerFuzzTest#wirePoller (kept as finding-var-length-2pow32-minus-1); every field is now checked on its
     * own. A length of 2^32-1-n for n up to the second field's size cancels a later field the same way.
     */
    @ParameterizedTest
    @ValueSource(longs = {0xFFFF_FFFFL, 0xFFFF_FFFCL, 0xFFFF_FFF0L, 0x8000_0000L})
    void varLengthMovingTheDecoderBackwardsIsMalformedNotDelivered(final long hostileLength)
    {
        final WireMessageEncoder encoder = new WireMessageEncoder();
        final int length = encoder.dataSourceAnnounce(10000, 42, 3, 2, "camera-1", "front camera");
        final MutableDirectBuffer buffer = encoder.buffer();
        buffer.putInt(8 + io.tensorpool.codecs.wire.DataSourceAnnounceDecoder.BLOCK_LENGTH, (int)hostileLength);

        final Object[] delivered = new Object[1];
        final WirePoller wire = new WirePoller(null, new WireMessageListener()
        {
            @Override
            public void onDataSourceAnnounce(
                final io.tensorpool.codecs.wire.DataSourceAnnounceDecoder decoder, final int source)
            {
                // recorded before reading: a listener that throws on the bad length is still a delivery
                delivered[0] = decoder;
                decoder.name();
            }
        }, 0, "hostile", false);
        wire.onFragment(buffer, 0, length, null);
        assertNull(delivered[0], "WirePoller delivered an announce whose name length is " + hostileLength);
        assertEquals(1, wire.malformedCount());
        assertEquals(0, wire.handledCount());
    }
}
