package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.MessageHeaderEncoder;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachRequestEncoder;
import io.tensorpool.codecs.driver.ShmDetachRequestEncoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownRequestEncoder;
import io.tensorpool.codecs.driver.ShmLeaseKeepaliveEncoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Encodes the client-to-driver messages of Driver Appendix A (schema 901). {@code maxDims} in an attach request is
 * always 0 (Driver §4.3); an absent publish mode is written as its nullValue 255. Each method returns the encoded
 * length. Reusable, not thread-safe; no allocation except the shutdown request's token.
 */
public final class DriverRequestEncoder
{
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ShmAttachRequestEncoder attach = new ShmAttachRequestEncoder();
    private final ShmDetachRequestEncoder detach = new ShmDetachRequestEncoder();
    private final ShmLeaseKeepaliveEncoder keepalive = new ShmLeaseKeepaliveEncoder();
    private final ShmDriverShutdownRequestEncoder shutdown = new ShmDriverShutdownRequestEncoder();

    /**
     * @param publishMode null for "absent" (the driver then applies REQUIRE_EXISTING).
     */
    public int attachRequest(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final int streamId,
        final int clientId,
        final Role role,
        final int expectedLayoutVersion,
        final PublishMode publishMode,
        final HugepagesPolicy requireHugepages)
    {
        attach.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .streamId(streamId & 0xFFFF_FFFFL)
            .clientId(clientId & 0xFFFF_FFFFL)
            .role(role)
            .expectedLayoutVersion(expectedLayoutVersion & 0xFFFF_FFFFL)
            .maxDims((short)0)
            .publishMode(publishMode == null ? PublishMode.NULL_VAL : publishMode)
            .requireHugepages(requireHugepages);
        return MessageHeaderEncoder.ENCODED_LENGTH + attach.encodedLength();
    }

    public int detachRequest(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final long leaseId,
        final int streamId,
        final int clientId,
        final Role role)
    {
        detach.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .leaseId(leaseId)
            .streamId(streamId & 0xFFFF_FFFFL)
            .clientId(clientId & 0xFFFF_FFFFL)
            .role(role);
        return MessageHeaderEncoder.ENCODED_LENGTH + detach.encodedLength();
    }

    public int keepalive(
        final MutableDirectBuffer buffer,
        final int offset,
        final long leaseId,
        final int streamId,
        final int clientId,
        final Role role,
        final long clientTimestampNs)
    {
        keepalive.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .leaseId(leaseId)
            .streamId(streamId & 0xFFFF_FFFFL)
            .clientId(clientId & 0xFFFF_FFFFL)
            .role(role)
            .clientTimestampNs(clientTimestampNs);
        return MessageHeaderEncoder.ENCODED_LENGTH + keepalive.encodedLength();
    }

    /** An administrative {@code ShmDriverShutdownRequest} (Driver §4.13) carrying the configured token. */
    public int shutdownRequest(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final ShutdownReason reason,
        final String token,
        final String message)
    {
        shutdown.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .reason(reason);
        final byte[] tokenBytes = token == null ? new byte[0] : token.getBytes(StandardCharsets.US_ASCII);
        shutdown.putToken(tokenBytes, 0, tokenBytes.length);
        final byte[] messageBytes = message == null ? new byte[0] : message.getBytes(StandardCharsets.US_ASCII);
        shutdown.putErrorMessage(messageBytes, 0, Math.min(messageBytes.length, 1024));
        return MessageHeaderEncoder.ENCODED_LENGTH + shutdown.encodedLength();
    }
}
