package io.tensorpool.control;

import io.tensorpool.codecs.discovery.DiscoveryRequestDecoder;
import io.tensorpool.codecs.discovery.DiscoveryResponseDecoder;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDetachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownDecoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownRequestDecoder;
import io.tensorpool.codecs.driver.ShmLeaseRevokedDecoder;
import io.tensorpool.codecs.wire.ConsumerConfigDecoder;
import io.tensorpool.codecs.wire.ConsumerHelloDecoder;
import io.tensorpool.codecs.wire.ControlResponseDecoder;
import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.MessageHeaderEncoder;
import io.tensorpool.codecs.wire.MetaBlobChunkDecoder;
import io.tensorpool.codecs.wire.MetaBlobChunkEncoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.function.Supplier;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Every {@link MessageShapes} entry against real encodings of its message (the committed fuzz seeds, written by the
 * project's encoders): the shape ends exactly where the encoding ends (so a schema change adding, removing or moving a
 * var-length part fails here), every strict prefix is rejected, and after hostile lengths and counts are written at any
 * position, a message the shape accepts decodes completely inside its fragment (no read past it, no negative array).
 */
class MessageShapeTest
{
    private static final String SEEDS = "/io/tensorpool/hardening/fuzz/";
    private static final int[] HOSTILE_U32 = {0xFFFF_FFFF, 0x8000_0000, 0x7FFF_FFFF, 0xFFFF_FFFC, 0x0001_0000, 200};
    private static final short[] HOSTILE_U16 = {(short)0xFFFF, (short)0x8000, 1, 0};

    record Case(String name, MessageShape shape, Supplier<MessageDecoderFlyweight> decoder, byte[] message)
    {
        @Override
        public String toString()
        {
            return name;
        }
    }

    static Stream<Case> cases() throws IOException
    {
        return Stream.of(
            seed("wire ShmPoolAnnounce", MessageShapes.SHM_POOL_ANNOUNCE, ShmPoolAnnounceDecoder::new,
                "ClientPollerFuzzTestInputs/wirePoller/shm-pool-announce"),
            seed("wire ConsumerHello", MessageShapes.CONSUMER_HELLO, ConsumerHelloDecoder::new,
                "ClientPollerFuzzTestInputs/wirePoller/consumer-hello"),
            seed("wire ConsumerConfig", MessageShapes.CONSUMER_CONFIG, ConsumerConfigDecoder::new,
                "ClientPollerFuzzTestInputs/wirePoller/consumer-config"),
            seed("wire DataSourceAnnounce", MessageShapes.DATA_SOURCE_ANNOUNCE, DataSourceAnnounceDecoder::new,
                "ClientPollerFuzzTestInputs/wirePoller/data-source-announce"),
            seed("wire DataSourceMeta", MessageShapes.DATA_SOURCE_META, DataSourceMetaDecoder::new,
                "ClientPollerFuzzTestInputs/wirePoller/data-source-meta"),
            seed("wire ControlResponse", MessageShapes.CONTROL_RESPONSE, ControlResponseDecoder::new,
                "ClientPollerFuzzTestInputs/wirePoller/control-response"),
            new Case("wire MetaBlobChunk", MessageShapes.META_BLOB_CHUNK, MetaBlobChunkDecoder::new, metaBlobChunk()),
            seed("driver ShmAttachResponse", MessageShapes.SHM_ATTACH_RESPONSE, ShmAttachResponseDecoder::new,
                "ClientPollerFuzzTestInputs/driverEventPoller/attach-ok"),
            seed("driver ShmAttachResponse error", MessageShapes.SHM_ATTACH_RESPONSE, ShmAttachResponseDecoder::new,
                "ClientPollerFuzzTestInputs/driverEventPoller/attach-error"),
            seed("driver ShmDetachResponse", MessageShapes.SHM_DETACH_RESPONSE, ShmDetachResponseDecoder::new,
                "ClientPollerFuzzTestInputs/driverEventPoller/detach-response"),
            seed("driver ShmLeaseRevoked", MessageShapes.SHM_LEASE_REVOKED, ShmLeaseRevokedDecoder::new,
                "ClientPollerFuzzTestInputs/driverEventPoller/lease-revoked"),
            seed("driver ShmDriverShutdown", MessageShapes.SHM_DRIVER_SHUTDOWN, ShmDriverShutdownDecoder::new,
                "ClientPollerFuzzTestInputs/driverEventPoller/driver-shutdown"),
            seed("driver ShmDriverShutdownRequest", MessageShapes.SHM_DRIVER_SHUTDOWN_REQUEST,
                ShmDriverShutdownRequestDecoder::new, "ServiceHandlerFuzzTestInputs/driverConductor/shutdown-wrong-token"),
            seed("discovery DiscoveryRequest", MessageShapes.DISCOVERY_REQUEST, DiscoveryRequestDecoder::new,
                "ServiceHandlerFuzzTestInputs/discoveryRequest/query-name-tags"),
            seed("discovery DiscoveryResponse", MessageShapes.DISCOVERY_RESPONSE, DiscoveryResponseDecoder::new,
                "ServiceHandlerFuzzTestInputs/discoveryResponse/one-result"),
            seed("discovery DiscoveryResponse error", MessageShapes.DISCOVERY_RESPONSE, DiscoveryResponseDecoder::new,
                "ServiceHandlerFuzzTestInputs/discoveryResponse/error"));
    }

    @ParameterizedTest
    @MethodSource("cases")
    void shapeEndsExactlyWhereTheEncodingEnds(final Case c)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(c.message);
        assertEquals(c.message.length, c.shape.end(buffer, c.message.length), "shape of " + c.shape.name());

        final MessageDecoderFlyweight decoder = c.decoder.get();
        decoder.wrap(buffer, SchemaGatedHandler.HEADER_LENGTH, c.shape.blockLength(), 1);
        assertEquals(c.message.length - SchemaGatedHandler.HEADER_LENGTH, decoder.sbeDecodedLength());
    }

    @ParameterizedTest
    @MethodSource("cases")
    void everyStrictPrefixIsOutside(final Case c)
    {
        for (int length = 0; length < c.message.length; length++)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(Arrays.copyOf(c.message, length));
            assertEquals(MessageShape.OUTSIDE, c.shape.end(buffer, length), "prefix of " + length + " bytes");
        }
    }

    @ParameterizedTest
    @MethodSource("cases")
    void anAcceptedMessageDecodesInsideItsFragment(final Case c)
    {
        final int varStart = SchemaGatedHandler.HEADER_LENGTH + c.shape.blockLength();
        int accepted = 0;
        int rejected = 0;
        for (int offset = varStart; offset < c.message.length; offset++)
        {
            for (final int value : HOSTILE_U32)
            {
                if (offset + 4 <= c.message.length)
                {
                    final byte[] mutated = c.message.clone();
                    new UnsafeBuffer(mutated).putInt(offset, value, ByteOrder.LITTLE_ENDIAN);
                    if (check(c, mutated))
                    {
                        accepted++;
                    }
                    else
                    {
                        rejected++;
                    }
                }
            }
            for (final short value : HOSTILE_U16)
            {
                if (offset + 2 <= c.message.length)
                {
                    final byte[] mutated = c.message.clone();
                    new UnsafeBuffer(mutated).putShort(offset, value, ByteOrder.LITTLE_ENDIAN);
                    if (check(c, mutated))
                    {
                        accepted++;
                    }
                    else
                    {
                        rejected++;
                    }
                }
            }
        }
        // hostile lengths land on at least one length prefix of every case; bytes inside text stay acceptable
        assertTrue(rejected > 0, "no mutation was rejected");
        assertTrue(accepted > 0, "no mutation was accepted");
    }

    @ParameterizedTest
    @MethodSource("cases")
    void theFirstVarLengthPrefixAt2Pow32Minus1IsOutside(final Case c)
    {
        final byte[] mutated = c.message.clone();
        final int first = SchemaGatedHandler.HEADER_LENGTH + c.shape.blockLength();
        new UnsafeBuffer(mutated).putInt(first, 0xFFFF_FFFF, ByteOrder.LITTLE_ENDIAN);
        assertFalse(c.shape.fits(new UnsafeBuffer(mutated), mutated.length));
    }

    /** True if the shape accepts; then the whole message must decode inside a buffer of exactly its length. */
    private static boolean check(final Case c, final byte[] mutated)
    {
        final UnsafeBuffer exact = new UnsafeBuffer(mutated);
        final int end = c.shape.end(exact, mutated.length);
        if (end == MessageShape.OUTSIDE)
        {
            return false;
        }
        assertTrue(end <= mutated.length);
        final MessageDecoderFlyweight decoder = c.decoder.get();
        decoder.wrap(exact, SchemaGatedHandler.HEADER_LENGTH, c.shape.blockLength(), 1);
        try
        {
            decoder.appendTo(new StringBuilder());
            assertEquals(end - SchemaGatedHandler.HEADER_LENGTH, decoder.sbeDecodedLength(),
                "decoder and shape disagree on the end of " + c.shape.name());
        }
        catch (final IllegalArgumentException ex)
        {
            // SBE enum accessors reject values outside the schema ("Unknown value"); listeners read raw values or
            // are contained by SchemaGatedHandler. Anything else is a read outside the fragment.
            if (ex.getMessage() == null || !ex.getMessage().startsWith("Unknown value"))
            {
                fail("accepted message failed to decode: " + ex, ex);
            }
        }
        catch (final RuntimeException ex)
        {
            fail("accepted message failed to decode: " + ex, ex);
        }
        return true;
    }

    private static Case seed(
        final String name, final MessageShape shape, final Supplier<MessageDecoderFlyweight> decoder,
        final String resource) throws IOException
    {
        try (InputStream in = MessageShapeTest.class.getResourceAsStream(SEEDS + resource))
        {
            assertNotNull(in, "seed " + resource + " missing");
            return new Case(name, shape, decoder, in.readAllBytes());
        }
    }

    private static byte[] metaBlobChunk()
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final MetaBlobChunkEncoder encoder = new MetaBlobChunkEncoder()
            .wrapAndApplyHeader(buffer, 0, new MessageHeaderEncoder())
            .streamId(10000)
            .metaVersion(2)
            .chunkOffset(0);
        final byte[] data = {1, 2, 3, 4, 5};
        encoder.putBytes(data, 0, data.length);
        return Arrays.copyOf(buffer.byteArray(), MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength());
    }
}
