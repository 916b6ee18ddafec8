package io.tensorpool.driver;

import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachRequestEncoder;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDetachResponseDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

import static io.tensorpool.driver.DriverTestHarness.STREAM;
import static org.junit.jupiter.api.Assertions.*;

/**
 * Every malformed or out-of-spec request gets the right code and a message (Driver §4.3, §4.6, §4.8, §4.9), failed
 * attach responses carry null sentinels, and the driver keeps serving afterwards.
 */
class DriverMalformedRequestTest
{
    private static final int ATTACH_OFFSET = 8;
    private static DriverTestHarness h;
    private static RawRequests raw;

    @BeforeAll
    static void start()
    {
        h = new DriverTestHarness(ctx -> ctx
            .profile(new DriverProfile("empty", 16, new int[0], new int[0]))
            .stream(new StreamDefinition("hollow", 5000, "empty"))
            .defaultProfile("small"));
        raw = new RawRequests(h);
    }

    @AfterAll
    static void stop()
    {
        raw.close();
        h.close();
    }

    /** Send an attach built from a valid one with {@code corrupt} applied; return the response. */
    private static ShmAttachResponseDecoder attach(
        final int streamId, final int clientId, final Role role, final PublishMode mode,
        final Consumer<UnsafeBuffer> corrupt, final int lengthDelta)
    {
        final long correlationId = RawRequests.nextCorrelationId();
        final int length = raw.encodeAttach(correlationId, streamId, clientId, role, mode);
        corrupt.accept(raw.buffer);
        raw.send(raw.buffer, length + lengthDelta);
        return raw.awaitAttachResponse(correlationId);
    }

    private static void assertRefused(
        final ShmAttachResponseDecoder response, final ResponseCode code, final String messagePart)
    {
        assertEquals(code, response.code());
        assertEquals(ShmAttachResponseDecoder.leaseIdNullValue(), response.leaseId());
        assertEquals(ShmAttachResponseDecoder.leaseExpiryTimestampNsNullValue(), response.leaseExpiryTimestampNs());
        assertEquals(ShmAttachResponseDecoder.streamIdNullValue(), response.streamId());
        assertEquals(ShmAttachResponseDecoder.epochNullValue(), response.epoch());
        assertEquals(ShmAttachResponseDecoder.layoutVersionNullValue(), response.layoutVersion());
        assertEquals(ShmAttachResponseDecoder.headerNslotsNullValue(), response.headerNslots());
        assertEquals(ShmAttachResponseDecoder.headerSlotBytesNullValue(), response.headerSlotBytes());
        assertEquals(ShmAttachResponseDecoder.maxDimsNullValue(), response.maxDims());
        assertEquals(0, response.payloadPools().count());
        assertEquals(0, response.headerRegionUriLength());
        response.skipHeaderRegionUri();
        final int length = response.errorMessageLength();
        assertTrue(length > 0 && length <= 1024, "error message length " + length);
        final byte[] text = new byte[length];
        response.getErrorMessage(text, 0, length);
        final String message = new String(text, StandardCharsets.US_ASCII);
        assertTrue(message.contains(messagePart), "'" + message + "' should contain '" + messagePart + "'");
    }

    private static void assertStillServing()
    {
        final long correlationId = raw.sendAttach(STREAM, 424242, Role.CONSUMER);
        final ShmAttachResponseDecoder ok = raw.awaitAttachResponse(correlationId);
        assertEquals(ResponseCode.OK, ok.code());
        final long leaseId = ok.leaseId();
        final long detach = RawRequests.nextCorrelationId();
        raw.send(raw.buffer, raw.encoder.detachRequest(raw.buffer, 0, detach, leaseId, STREAM, 424242,
            Role.CONSUMER));
        assertEquals(ResponseCode.OK, raw.awaitDetachResponse(detach).detachResponse().code());
    }

    @Test
    void attachFieldViolations()
    {
        final int role = ATTACH_OFFSET + ShmAttachRequestEncoder.roleEncodingOffset();
        final int layout = ATTACH_OFFSET + ShmAttachRequestEncoder.expectedLayoutVersionEncodingOffset();
        final int mode = ATTACH_OFFSET + ShmAttachRequestEncoder.publishModeEncodingOffset();
        final int hugepages = ATTACH_OFFSET + ShmAttachRequestEncoder.requireHugepagesEncodingOffset();
        final int maxDims = ATTACH_OFFSET + ShmAttachRequestEncoder.maxDimsEncodingOffset();

        assertRefused(attach(STREAM, 11, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putByte(role, (byte)7), 0), ResponseCode.INVALID_PARAMS, "unknown role 7");
        assertRefused(attach(STREAM, 0, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE, b -> {}, 0),
            ResponseCode.INVALID_PARAMS, "clientId 0");
        assertRefused(attach(STREAM, 12, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putByte(hugepages, (byte)9), 0), ResponseCode.INVALID_PARAMS, "requireHugepages value 9");
        assertRefused(attach(STREAM, 13, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putByte(mode, (byte)9), 0), ResponseCode.UNSUPPORTED, "publishMode 9");
        assertRefused(attach(STREAM, 14, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putInt(layout, 2), 0), ResponseCode.REJECTED, "expectedLayoutVersion 2");
        assertRefused(attach(STREAM, 15, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putByte(hugepages, (byte)2), 0), ResponseCode.REJECTED, "hugepage");
        assertRefused(attach(STREAM, 16, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putShort(6, (short)2), 0), ResponseCode.UNSUPPORTED, "schema version 2");
        assertRefused(attach(STREAM, 17, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putShort(0, (short)20), -4), ResponseCode.INVALID_PARAMS, "blockLength 20");

        // maxDims is ignored and the response carries the schema constant.
        final ShmAttachResponseDecoder ok = attach(STREAM, 18, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE,
            b -> b.putByte(maxDims, (byte)5), 0);
        assertEquals(ResponseCode.OK, ok.code());
        assertEquals(8, ok.maxDims());
        assertEquals(256, ok.headerSlotBytes());
        assertStillServing();
    }

    @Test
    void provisioningAndIdentityRules()
    {
        assertRefused(attach(19999, 21, Role.PRODUCER, PublishMode.REQUIRE_EXISTING, b -> {}, 0),
            ResponseCode.REJECTED, "not provisioned");
        assertRefused(attach(19998, 22, Role.PRODUCER, null, b -> {}, 0), ResponseCode.REJECTED,
            "absent (REQUIRE_EXISTING)");
        assertRefused(attach(50000, 23, Role.PRODUCER, PublishMode.EXISTING_OR_CREATE, b -> {}, 0),
            ResponseCode.INVALID_PARAMS, "stream_id_range");
        assertRefused(attach(5000, 24, Role.CONSUMER, PublishMode.REQUIRE_EXISTING, b -> {}, 0),
            ResponseCode.INVALID_PARAMS, "zero payload pools");

        // clientId uniqueness and duplicate correlationId handling (Driver §4.8).
        final long correlationId = RawRequests.nextCorrelationId();
        raw.send(raw.buffer, raw.encodeAttach(correlationId, 10050, 25, Role.PRODUCER,
            PublishMode.EXISTING_OR_CREATE));
        final ShmAttachResponseDecoder first = raw.awaitAttachResponse(correlationId);
        assertEquals(ResponseCode.OK, first.code());
        final long leaseId = first.leaseId();
        final long epoch = first.epoch();
        final int before = h.spy.messages.size();
        raw.send(raw.buffer, raw.encodeAttach(correlationId, 10050, 25, Role.PRODUCER,
            PublishMode.EXISTING_OR_CREATE));
        h.pumpUntil("duplicate answered", () -> h.spy.indexOf(before, m -> m.isAttachResponse() &&
            m.attachResponse().correlationId() == correlationId) >= 0);
        final ShmAttachResponseDecoder again = h.spy.messages.get(h.spy.indexOf(before, m -> m.isAttachResponse() &&
            m.attachResponse().correlationId() == correlationId)).attachResponse();
        assertEquals(ResponseCode.OK, again.code());
        assertEquals(leaseId, again.leaseId(), "a retried attach gets the same lease");
        assertEquals(epoch, again.epoch(), "a retried attach does not bump the epoch");
        assertRefused(attach(10051, 25, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE, b -> {}, 0),
            ResponseCode.REJECTED, "already holds");

        // Detach: mismatch rejected, unknown rejected, match OK, repeat OK (idempotent).
        assertEquals(ResponseCode.REJECTED, detach(leaseId, 10050, 26, Role.PRODUCER, 0).code());
        assertEquals(ResponseCode.REJECTED, detach(12345, 10050, 25, Role.PRODUCER, 0).code());
        assertEquals(ResponseCode.INVALID_PARAMS, detach(leaseId, 10050, 25, Role.PRODUCER, -1).code());
        assertEquals(ResponseCode.OK, detach(leaseId, 10050, 25, Role.PRODUCER, 0).code());
        assertEquals(ResponseCode.OK, detach(leaseId, 10050, 25, Role.PRODUCER, 0).code());
        assertTrue(h.driver.currentEpoch(10050) > epoch, "producer detach bumps the epoch");
        assertStillServing();
    }

    private static ShmDetachResponseDecoder detach(
        final long leaseId, final int streamId, final int clientId, final Role role, final int blockDelta)
    {
        final long correlationId = RawRequests.nextCorrelationId();
        final int length = raw.encoder.detachRequest(raw.buffer, 0, correlationId, leaseId, streamId, clientId, role);
        raw.buffer.putShort(0, (short)(raw.buffer.getShort(0) + blockDelta));
        raw.send(raw.buffer, length + blockDelta);
        final ShmDetachResponseDecoder response = raw.awaitDetachResponse(correlationId).detachResponse();
        final int textLength = response.errorMessageLength();
        assertTrue(textLength <= 1024);
        if (response.code() != ResponseCode.OK)
        {
            assertTrue(textLength > 0, "refusals carry a message");
        }
        return response;
    }

    @Test
    void garbageIsCountedAndDropped()
    {
        final long malformed = h.driver.counters().malformedRequests();
        final UnsafeBuffer junk = new UnsafeBuffer(new byte[64]);
        junk.putByte(0, (byte)1);
        raw.send(junk, 3);
        // A keepalive with a wrong block length and a shutdown request cut short: no response possible, counted.
        final int keepaliveLength = raw.encoder.keepalive(raw.buffer, 0, 1, STREAM, 1, Role.PRODUCER, 0);
        raw.buffer.putShort(0, (short)24);
        raw.send(raw.buffer, keepaliveLength - 1);
        raw.encoder.shutdownRequest(raw.buffer, 0, 1, io.tensorpool.codecs.driver.ShutdownReason.ADMIN, "x", "");
        raw.send(raw.buffer, 8 + 4);
        // An attach too short to carry a correlationId.
        raw.encodeAttach(1, STREAM, 1, Role.CONSUMER, PublishMode.EXISTING_OR_CREATE);
        raw.send(raw.buffer, 12);
        h.pumpUntil("malformed requests counted", () -> h.driver.counters().malformedRequests() >= malformed + 3);
        // A keepalive for a lease nobody issued is counted too.
        final long unknown = h.driver.counters().keepalivesUnknown();
        raw.send(raw.buffer, raw.encoder.keepalive(raw.buffer, 0, 99, STREAM, 1, Role.PRODUCER, 0));
        h.pumpUntil("unknown keepalive counted", () -> h.driver.counters().keepalivesUnknown() == unknown + 1);
        assertStillServing();
    }
}
