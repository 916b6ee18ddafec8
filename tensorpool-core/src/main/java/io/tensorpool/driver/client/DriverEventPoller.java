package io.tensorpool.driver.client;

import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.ResponseCode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.driver.ShmAttachRequestDecoder;
import io.tensorpool.codecs.driver.ShmAttachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDetachRequestDecoder;
import io.tensorpool.codecs.driver.ShmDetachResponseDecoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownDecoder;
import io.tensorpool.codecs.driver.ShmDriverShutdownRequestDecoder;
import io.tensorpool.codecs.driver.ShmLeaseKeepaliveDecoder;
import io.tensorpool.codecs.driver.ShmLeaseRevokedDecoder;
import io.tensorpool.codecs.driver.ShutdownReason;
import io.tensorpool.control.MessageShapes;
import io.tensorpool.control.SchemaGatedHandler;
import org.agrona.DirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Decodes driver-to-client messages of schema 901 from the control stream and hands them to a
 * {@link DriverEventListener}. Schema, version (Driver §4.4a: higher versions rejected), template and exact block
 * length are checked before decoding; {@code ShmLeaseRevoked} with an unknown role or reason and
 * {@code ShmDriverShutdown} with an unknown reason are rejected (Driver §4.9) and counted as malformed, as is any
 * message whose groups or var-length fields do not fit its fragment ({@link MessageShapes}). Requests from
 * other clients on the shared stream are skipped. Use with a {@code FragmentAssembler}.
 */
public final class DriverEventPoller extends SchemaGatedHandler
{
    private static final int MAX_TEXT = 1 << 16;

    private final DriverEventListener listener;
    private final ShmAttachResponseDecoder attachResponse = new ShmAttachResponseDecoder();
    private final ShmDetachResponseDecoder detachResponse = new ShmDetachResponseDecoder();
    private final ShmLeaseRevokedDecoder leaseRevoked = new ShmLeaseRevokedDecoder();
    private final ShmDriverShutdownDecoder driverShutdown = new ShmDriverShutdownDecoder();

    public DriverEventPoller(final DriverEventListener listener)
    {
        super(ShmAttachResponseDecoder.SCHEMA_ID, ShmAttachResponseDecoder.SCHEMA_VERSION);
        this.listener = listener;
    }

    @Override
    protected int onMessage(
        final int templateId, final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        switch (templateId)
        {
            case ShmAttachResponseDecoder.TEMPLATE_ID:
                if (blockLength != ShmAttachResponseDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                // bound the pools group and every var-length field to the fragment before the listener reads them:
                // SBE allocates Strings from the wire length (u32 read into an int)
                if (!MessageShapes.SHM_ATTACH_RESPONSE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                attachResponse.wrap(buffer, HEADER_LENGTH, blockLength, version);
                listener.onAttachResponse(attachResponse);
                return HANDLED;

            case ShmDetachResponseDecoder.TEMPLATE_ID:
            {
                if (blockLength != ShmDetachResponseDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.SHM_DETACH_RESPONSE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                detachResponse.wrap(buffer, HEADER_LENGTH, blockLength, version);
                final ResponseCode code = responseCode(detachResponse.codeRaw());
                if (code == null)
                {
                    return MALFORMED;
                }
                final long correlationId = detachResponse.correlationId();
                final String message = text(detachResponse.errorMessageLength(), buffer, detachResponse.limit());
                listener.onDetachResponse(correlationId, code, message);
                return HANDLED;
            }

            case ShmLeaseRevokedDecoder.TEMPLATE_ID:
            {
                if (blockLength != ShmLeaseRevokedDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.SHM_LEASE_REVOKED.fits(buffer, length))
                {
                    return MALFORMED;
                }
                leaseRevoked.wrap(buffer, HEADER_LENGTH, blockLength, version);
                final short roleRaw = leaseRevoked.roleRaw();
                final short reasonRaw = leaseRevoked.reasonRaw();
                if (roleRaw != Role.PRODUCER.value() && roleRaw != Role.CONSUMER.value())
                {
                    return MALFORMED;
                }
                if (reasonRaw != LeaseRevokeReason.DETACHED.value() && reasonRaw != LeaseRevokeReason.EXPIRED.value() &&
                    reasonRaw != LeaseRevokeReason.REVOKED.value())
                {
                    return MALFORMED;
                }
                final long timestampNs = leaseRevoked.timestampNs();
                final long leaseId = leaseRevoked.leaseId();
                final int streamId = (int)leaseRevoked.streamId();
                final int clientId = (int)leaseRevoked.clientId();
                final String message = text(leaseRevoked.errorMessageLength(), buffer, leaseRevoked.limit());
                listener.onLeaseRevoked(timestampNs, leaseId, streamId, clientId, Role.get(roleRaw),
                    LeaseRevokeReason.get(reasonRaw), message);
                return HANDLED;
            }

            case ShmDriverShutdownDecoder.TEMPLATE_ID:
            {
                if (blockLength != ShmDriverShutdownDecoder.BLOCK_LENGTH)
                {
                    return MALFORMED;
                }
                if (!MessageShapes.SHM_DRIVER_SHUTDOWN.fits(buffer, length))
                {
                    return MALFORMED;
                }
                driverShutdown.wrap(buffer, HEADER_LENGTH, blockLength, version);
                final short reasonRaw = driverShutdown.reasonRaw();
                if (reasonRaw != ShutdownReason.NORMAL.value() && reasonRaw != ShutdownReason.ADMIN.value() &&
                    reasonRaw != ShutdownReason.ERROR.value())
                {
                    return MALFORMED;
                }
                final long timestampNs = driverShutdown.timestampNs();
                final String message = text(driverShutdown.errorMessageLength(), buffer, driverShutdown.limit());
                listener.onDriverShutdown(timestampNs, ShutdownReason.get(reasonRaw), message);
                return HANDLED;
            }

            case ShmAttachRequestDecoder.TEMPLATE_ID:
            case ShmDetachRequestDecoder.TEMPLATE_ID:
            case ShmLeaseKeepaliveDecoder.TEMPLATE_ID:
            case ShmDriverShutdownRequestDecoder.TEMPLATE_ID:
                // Requests of other clients on the shared control stream.
                return HANDLED;

            default:
                return UNKNOWN_TEMPLATE;
        }
    }

    static ResponseCode responseCode(final int raw)
    {
        switch (raw)
        {
            case 0:
                return ResponseCode.OK;
            case 1:
                return ResponseCode.UNSUPPORTED;
            case 2:
                return ResponseCode.INVALID_PARAMS;
            case 3:
                return ResponseCode.REJECTED;
            case 4:
                return ResponseCode.INTERNAL_ERROR;
            default:
                return null;
        }
    }

    /** The var-data text at {@code limit} (its u32 length already read), bounded; throws if it overruns. */
    static String text(final int length, final DirectBuffer buffer, final int limit)
    {
        if (length < 0 || length > MAX_TEXT)
        {
            throw new IllegalArgumentException("var data length " + length);
        }
        if (length == 0)
        {
            return "";
        }
        final byte[] bytes = new byte[length];
        buffer.getBytes(limit + 4, bytes);
        return new String(bytes, StandardCharsets.US_ASCII);
    }
}
