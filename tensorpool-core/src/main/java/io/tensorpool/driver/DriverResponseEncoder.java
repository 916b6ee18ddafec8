package io.tensorpool.driver;

import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.MessageHeaderEncoder;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachResponseEncoder;
import io.tensorpool.codecs.driver.ShmDetachResponseEncoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownEncoder;
import io.tensorpool.codecs.driver.ShmLeaseRevokedEncoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.StreamLayout;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;

/**
 * Encodes every message the driver sends (Driver Appendix A, schema 901, and Wire §10.1.1 {@code ShmPoolAnnounce},
 * schema 900). Absent optional fields are written as their {@code nullValue}; error messages are ASCII, at most
 * {@link #MAX_ERROR_MESSAGE_BYTES} bytes (Driver §4.2). Each method returns the encoded length. Reusable, not
 * thread-safe; no allocation.
 */
public final class DriverResponseEncoder
{
    /** Driver §4.2 limit on {@code errorMessage}. */
    public static final int MAX_ERROR_MESSAGE_BYTES = 1024;

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ShmAttachResponseEncoder attachResponse = new ShmAttachResponseEncoder();
    private final ShmDetachResponseEncoder detachResponse = new ShmDetachResponseEncoder();
    private final ShmLeaseRevokedEncoder leaseRevoked = new ShmLeaseRevokedEncoder();
    private final ShmDriverShutdownEncoder driverShutdown = new ShmDriverShutdownEncoder();
    private final WireMessageEncoder wireEncoder = new WireMessageEncoder();
    private final UnsafeBuffer text = new UnsafeBuffer(new byte[io.tensorpool.shm.RegionUri.MAX_LENGTH * 2]);

    /** A successful {@code ShmAttachResponse}: every field present, {@code maxDims} the schema constant 8. */
    public int attachOk(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final long leaseId,
        final long leaseExpiryTimestampNs,
        final StreamLayout layout)
    {
        attachResponse.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .code(ResponseCode.OK)
            .leaseId(leaseId)
            .leaseExpiryTimestampNs(leaseExpiryTimestampNs)
            .streamId(layout.streamId() & 0xFFFF_FFFFL)
            .epoch(layout.epoch())
            .layoutVersion(layout.layoutVersion() & 0xFFFF_FFFFL)
            .headerNslots(layout.headerNslots() & 0xFFFF_FFFFL)
            .headerSlotBytes(ShmLayout.HEADER_SLOT_BYTES)
            .maxDims((short)ShmLayout.MAX_DIMS);
        final List<PoolDescriptor> pools = layout.pools();
        final ShmAttachResponseEncoder.PayloadPoolsEncoder group = attachResponse.payloadPoolsCount(pools.size());
        for (int i = 0; i < pools.size(); i++)
        {
            final PoolDescriptor pool = pools.get(i);
            group.next()
                .poolId(pool.poolId())
                .poolNslots(pool.nslots() & 0xFFFF_FFFFL)
                .strideBytes(pool.strideBytes() & 0xFFFF_FFFFL);
            final int length = text.putStringWithoutLengthAscii(0, pool.regionUri());
            group.putRegionUri(text, 0, length);
        }
        final int length = text.putStringWithoutLengthAscii(0, layout.headerRegionUri());
        attachResponse.putHeaderRegionUri(text, 0, length);
        attachResponse.putErrorMessage(text, 0, 0);
        return MessageHeaderEncoder.ENCODED_LENGTH + attachResponse.encodedLength();
    }

    /** A failed {@code ShmAttachResponse}: correlationId, code and message; every optional field null, no pools. */
    public int attachError(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final ResponseCode code,
        final CharSequence errorMessage)
    {
        attachResponse.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .code(code)
            .leaseId(ShmAttachResponseEncoder.leaseIdNullValue())
            .leaseExpiryTimestampNs(ShmAttachResponseEncoder.leaseExpiryTimestampNsNullValue())
            .streamId(ShmAttachResponseEncoder.streamIdNullValue())
            .epoch(ShmAttachResponseEncoder.epochNullValue())
            .layoutVersion(ShmAttachResponseEncoder.layoutVersionNullValue())
            .headerNslots(ShmAttachResponseEncoder.headerNslotsNullValue())
            .headerSlotBytes(ShmAttachResponseEncoder.headerSlotBytesNullValue())
            .maxDims(ShmAttachResponseEncoder.maxDimsNullValue());
        attachResponse.payloadPoolsCount(0);
        attachResponse.putHeaderRegionUri(text, 0, 0);
        final int length = putErrorText(errorMessage);
        attachResponse.putErrorMessage(text, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + attachResponse.encodedLength();
    }

    /** A {@code ShmDetachResponse}. */
    public int detachResponse(
        final MutableDirectBuffer buffer,
        final int offset,
        final long correlationId,
        final ResponseCode code,
        final CharSequence errorMessage)
    {
        detachResponse.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .correlationId(correlationId)
            .code(code);
        final int length = putErrorText(errorMessage);
        detachResponse.putErrorMessage(text, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + detachResponse.encodedLength();
    }

    /** A {@code ShmLeaseRevoked} notice. */
    public int leaseRevoked(
        final MutableDirectBuffer buffer,
        final int offset,
        final long timestampNs,
        final long leaseId,
        final int streamId,
        final int clientId,
        final Role role,
        final LeaseRevokeReason reason,
        final CharSequence errorMessage)
    {
        leaseRevoked.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .timestampNs(timestampNs)
            .leaseId(leaseId)
            .streamId(streamId & 0xFFFF_FFFFL)
            .clientId(clientId & 0xFFFF_FFFFL)
            .role(role)
            .reason(reason);
        final int length = putErrorText(errorMessage);
        leaseRevoked.putErrorMessage(text, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + leaseRevoked.encodedLength();
    }

    /** A {@code ShmDriverShutdown} notice. */
    public int driverShutdown(
        final MutableDirectBuffer buffer,
        final int offset,
        final long timestampNs,
        final ShutdownReason reason,
        final CharSequence errorMessage)
    {
        driverShutdown.wrapAndApplyHeader(buffer, offset, headerEncoder)
            .timestampNs(timestampNs)
            .reason(reason);
        final int length = putErrorText(errorMessage);
        driverShutdown.putErrorMessage(text, 0, length);
        return MessageHeaderEncoder.ENCODED_LENGTH + driverShutdown.encodedLength();
    }

    /** A {@code ShmPoolAnnounce} (schema 900) for a stream the driver owns, MONOTONIC clock domain (Driver §8). */
    public int poolAnnounce(
        final MutableDirectBuffer buffer,
        final int offset,
        final StreamLayout layout,
        final int producerId,
        final long announceTimestampNs)
    {
        return wireEncoder.shmPoolAnnounce(buffer, offset, layout, producerId, announceTimestampNs);
    }

    /** Write {@code message} as ASCII (non-ASCII as '?') into the scratch buffer, truncated to the §4.2 limit. */
    private int putErrorText(final CharSequence message)
    {
        if (message == null)
        {
            return 0;
        }
        final int length = Math.min(message.length(), MAX_ERROR_MESSAGE_BYTES);
        for (int i = 0; i < length; i++)
        {
            final char c = message.charAt(i);
            text.putByte(i, c < 0x80 ? (byte)c : (byte)'?');
        }
        return length;
    }
}
