package io.tensorpool.driver;

import io.tensorpool.codecs.driver.HugepagesPolicy;
import io.tensorpool.codecs.driver.LeaseRevokeReason;
import io.tensorpool.codecs.driver.PublishMode;
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
import io.tensorpool.shm.HugepagesUnavailableException;
import io.tensorpool.shm.ShmLayout;
import org.agrona.DirectBuffer;
import org.agrona.collections.Int2ObjectHashMap;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.collections.LongHashSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * The driver's protocol logic (Driver §4-§8): decodes requests from the control stream, validates them, grants and
 * ends leases, advances epochs and announces. Every request of schema 901 gets an answer with the right code and a
 * message, or is counted when no answer is possible (keepalive, shutdown request, too short to carry a
 * correlationId). Duty-cycle thread only.
 */
final class DriverConductor extends SchemaGatedHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverConductor.class);
    private static final int SUPPORTED_VERSION = 1;
    private static final int CORRELATION_ID_OFFSET = HEADER_LENGTH;
    private static final int NOTIFIED_UNKNOWN_LIMIT = 4096;

    private final ShmDriver.Context ctx;
    private final DriverPublisher publisher;
    private final DriverCounters counters = new DriverCounters();
    private final Int2ObjectHashMap<DriverStream> streams = new Int2ObjectHashMap<>();
    private final Int2ObjectHashMap<StreamDefinition> configuredStreams = new Int2ObjectHashMap<>();
    private final Long2ObjectHashMap<DriverLease> leases = new Long2ObjectHashMap<>();
    private final Int2ObjectHashMap<DriverLease> leasesByClientId = new Int2ObjectHashMap<>();
    private final LongHashSet notifiedUnknownLeases = new LongHashSet();
    private final List<DriverLease> expired = new ArrayList<>();
    private final ShmAttachRequestDecoder attachRequest = new ShmAttachRequestDecoder();
    private final ShmDetachRequestDecoder detachRequest = new ShmDetachRequestDecoder();
    private final ShmLeaseKeepaliveDecoder keepalive = new ShmLeaseKeepaliveDecoder();
    private final ShmDriverShutdownRequestDecoder shutdownRequest = new ShmDriverShutdownRequestDecoder();
    private final byte[] configuredToken;
    private final long firstLeaseId;
    private final long leaseCheckIntervalNs;
    private long nextLeaseId;
    private long nextLeaseCheckNs;
    private long nextAnnounceNs;
    private boolean draining;
    private long drainDeadlineNs;
    private ShutdownReason drainReason = ShutdownReason.ADMIN;
    private boolean shutdownSent;
    private boolean terminated;
    private boolean started;
    private long lastRejectLogNs;
    private long rejectsSinceLog;

    DriverConductor(final ShmDriver.Context ctx, final DriverPublisher publisher)
    {
        super(ShmAttachRequestDecoder.SCHEMA_ID, 0xFFFF);
        this.ctx = ctx;
        this.publisher = publisher;
        publisher.counters(counters);
        this.configuredToken = ctx.shutdownToken().getBytes(StandardCharsets.US_ASCII);
        // Lease ids must never repeat within a process (Driver §4.8); starting from the wall clock also keeps a
        // restarted driver from reissuing ids that clients of the previous instance still hold.
        this.firstLeaseId = (System.currentTimeMillis() << 16) + 1;
        this.nextLeaseId = firstLeaseId;
        this.leaseCheckIntervalNs = Math.max(1_000_000L, Math.min(100_000_000L, ctx.keepaliveIntervalNs() / 10));
        for (final StreamDefinition definition : ctx.streams())
        {
            configuredStreams.put(definition.streamId(), definition);
            streams.put(definition.streamId(),
                new DriverStream(ctx, definition.streamId(), ctx.profiles().get(definition.profile()), false));
        }
    }

    void onStart(final long nowNs)
    {
        if (started)
        {
            return;
        }
        started = true;
        nextLeaseCheckNs = nowNs + leaseCheckIntervalNs;
        nextAnnounceNs = nowNs;
        if (ctx.epochGcEnabled() && ctx.epochGcOnStartup())
        {
            startupGarbageCollection();
        }
    }

    DriverCounters counters()
    {
        return counters;
    }

    boolean isTerminated()
    {
        return terminated;
    }

    long currentEpoch(final int streamId)
    {
        final DriverStream stream = streams.get(streamId);
        return stream == null ? -1 : stream.epoch();
    }

    int activeLeaseCount()
    {
        return leases.size();
    }

    @Override
    protected int onMessage(
        final int templateId, final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        switch (templateId)
        {
            case ShmAttachRequestDecoder.TEMPLATE_ID:
                return onAttachRequest(blockLength, version, buffer, length);
            case ShmDetachRequestDecoder.TEMPLATE_ID:
                return onDetachRequest(blockLength, version, buffer, length);
            case ShmLeaseKeepaliveDecoder.TEMPLATE_ID:
                return onKeepalive(blockLength, version, buffer, length);
            case ShmDriverShutdownRequestDecoder.TEMPLATE_ID:
                return onShutdownRequest(blockLength, version, buffer, length);
            case ShmAttachResponseDecoder.TEMPLATE_ID:
            case ShmDetachResponseDecoder.TEMPLATE_ID:
            case ShmDriverShutdownDecoder.TEMPLATE_ID:
            case ShmLeaseRevokedDecoder.TEMPLATE_ID:
                // Driver-to-client messages on a shared control stream (ours or another driver's): not requests.
                return HANDLED;
            default:
                return UNKNOWN_TEMPLATE;
        }
    }

    @Override
    protected void onRejected(final String reason, final long value)
    {
        counters.malformedRequests++;
        rejectsSinceLog++;
        final long now = System.nanoTime();
        if (rejectsSinceLog == 1 || now - lastRejectLogNs > 1_000_000_000L)
        {
            LOG.warn("driver request dropped: {} {} (dropped since last log={})", reason, value, rejectsSinceLog);
            lastRejectLogNs = now;
            rejectsSinceLog = 0;
        }
    }

    private int onAttachRequest(final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        final boolean hasCorrelationId = length >= HEADER_LENGTH + Long.BYTES;
        final long correlationId = hasCorrelationId ? buffer.getLong(CORRELATION_ID_OFFSET,
            java.nio.ByteOrder.LITTLE_ENDIAN) : 0;
        if (version != SUPPORTED_VERSION)
        {
            if (!hasCorrelationId)
            {
                return MALFORMED;
            }
            rejectAttach(correlationId, ResponseCode.UNSUPPORTED, "ShmAttachRequest schema version " + version +
                " is not supported (this driver speaks 901 version " + SUPPORTED_VERSION + ")");
            return HANDLED;
        }
        if (blockLength != ShmAttachRequestDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
        {
            if (!hasCorrelationId)
            {
                return MALFORMED;
            }
            rejectAttach(correlationId, ResponseCode.INVALID_PARAMS, "malformed ShmAttachRequest: blockLength " +
                blockLength + " in " + length + " bytes (expected blockLength " +
                ShmAttachRequestDecoder.BLOCK_LENGTH + ")");
            counters.malformedRequests++;
            return HANDLED;
        }
        attachRequest.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final int streamId = (int)attachRequest.streamId();
        final int clientId = (int)attachRequest.clientId();
        final short role = attachRequest.roleRaw();
        final long expectedLayoutVersion = attachRequest.expectedLayoutVersion();
        final short publishMode = attachRequest.publishModeRaw();
        final short hugepages = attachRequest.requireHugepagesRaw();
        onAttach(correlationId, streamId, clientId, role, expectedLayoutVersion, publishMode, hugepages);
        return HANDLED;
    }

    private void onAttach(
        final long correlationId,
        final int streamId,
        final int clientId,
        final short role,
        final long expectedLayoutVersion,
        final short publishMode,
        final short hugepages)
    {
        final long nowNs = ctx.nanoClock().nanoTime();
        final String who = "stream=" + Integer.toUnsignedString(streamId) + " client=" +
            Integer.toUnsignedString(clientId);
        if (role != Role.PRODUCER.value() && role != Role.CONSUMER.value())
        {
            rejectAttach(correlationId, ResponseCode.INVALID_PARAMS, "unknown role " + role + " (" + who + ")");
            return;
        }
        if (clientId == 0)
        {
            rejectAttach(correlationId, ResponseCode.INVALID_PARAMS,
                "clientId 0 is reserved (ShmPoolAnnounce producerId 0 means no producer) (" + who + ")");
            return;
        }
        if (hugepages != HugepagesPolicy.UNSPECIFIED.value() && hugepages != HugepagesPolicy.STANDARD.value() &&
            hugepages != HugepagesPolicy.HUGEPAGES.value())
        {
            rejectAttach(correlationId, ResponseCode.INVALID_PARAMS,
                "unknown requireHugepages value " + hugepages + " (" + who + ")");
            return;
        }
        final boolean create;
        if (publishMode == PublishMode.NULL_VAL.value() || publishMode == PublishMode.REQUIRE_EXISTING.value())
        {
            create = false;
        }
        else if (publishMode == PublishMode.EXISTING_OR_CREATE.value())
        {
            create = true;
        }
        else
        {
            rejectAttach(correlationId, ResponseCode.UNSUPPORTED,
                "unsupported publishMode " + publishMode + " (" + who + ")");
            return;
        }
        if (draining)
        {
            rejectAttach(correlationId, ResponseCode.REJECTED, "driver is shutting down (" + who + ")");
            return;
        }
        if (expectedLayoutVersion != 0 && expectedLayoutVersion != ShmLayout.LAYOUT_VERSION)
        {
            rejectAttach(correlationId, ResponseCode.REJECTED, "expectedLayoutVersion " + expectedLayoutVersion +
                " does not match the active layout version " + ShmLayout.LAYOUT_VERSION + " (" + who + ")");
            return;
        }
        if (hugepages == HugepagesPolicy.HUGEPAGES.value() && !ctx.requireHugepages())
        {
            rejectAttach(correlationId, ResponseCode.REJECTED,
                "hugepage-backed regions requested but this driver provides standard pages (" + who + ")");
            return;
        }
        if (hugepages == HugepagesPolicy.STANDARD.value() && ctx.requireHugepages())
        {
            rejectAttach(correlationId, ResponseCode.REJECTED,
                "standard-page regions requested but this driver provides hugepages only (" + who + ")");
            return;
        }

        final DriverLease existing = leasesByClientId.get(clientId);
        if (existing != null)
        {
            if (existing.attachCorrelationId == correlationId && existing.stream.streamId == streamId &&
                existing.role == role)
            {
                // A retry of an attach already granted: answer it again with the same lease.
                counters.attachDuplicates++;
                counters.attachOk++;
                publisher.attachOk(correlationId, existing.leaseId, existing.expiryNs, existing.stream.layout);
                return;
            }
            rejectAttach(correlationId, ResponseCode.REJECTED, "clientId " + Integer.toUnsignedString(clientId) +
                " already holds active " + existing + " (Driver §4.8)");
            return;
        }

        DriverStream stream = streams.get(streamId);
        if (stream == null)
        {
            if (!create)
            {
                rejectAttach(correlationId, ResponseCode.REJECTED, "stream " + Integer.toUnsignedString(streamId) +
                    " is not provisioned and publishMode is " +
                    (publishMode == PublishMode.NULL_VAL.value() ? "absent (REQUIRE_EXISTING)" : "REQUIRE_EXISTING"));
                return;
            }
            if (!ctx.allowDynamicStreams())
            {
                rejectAttach(correlationId, ResponseCode.REJECTED, "stream " + Integer.toUnsignedString(streamId) +
                    " is not configured and policies.allow_dynamic_streams is false");
                return;
            }
            if (!ctx.streamIdRange().contains(streamId & 0xFFFF_FFFFL))
            {
                rejectAttach(correlationId, ResponseCode.INVALID_PARAMS, "stream " +
                    Integer.toUnsignedString(streamId) + " is outside driver.stream_id_range \"" +
                    ctx.streamIdRange() + "\" (Driver §11)");
                return;
            }
            stream = new DriverStream(ctx, streamId, ctx.profiles().get(ctx.defaultProfile()), true);
            streams.put(streamId, stream);
            LOG.info("dynamic stream created stream={} profile={}", Integer.toUnsignedString(streamId),
                stream.profile.name());
        }
        if (stream.profile.poolCount() == 0)
        {
            rejectAttach(correlationId, ResponseCode.INVALID_PARAMS, "stream " + Integer.toUnsignedString(streamId) +
                " has zero payload pools (profile " + stream.profile.name() + "), invalid in v1.0 (Driver §4.3)");
            return;
        }
        final boolean producer = role == Role.PRODUCER.value();
        if (producer && stream.producerLease != null)
        {
            rejectAttach(correlationId, ResponseCode.REJECTED, "stream " + Integer.toUnsignedString(streamId) +
                " already has a producer: " + stream.producerLease + " (Driver §5)");
            return;
        }

        boolean epochChanged = false;
        if (producer || !stream.hasRegions())
        {
            // Driver §6: a producer attaching to a stream with no producer gets a fresh epoch.
            try
            {
                stream.advanceEpoch(ctx, nowNs);
                counters.epochBumps++;
                epochChanged = true;
            }
            catch (final HugepagesUnavailableException ex)
            {
                rejectAttach(correlationId, ResponseCode.REJECTED,
                    "cannot provide hugepage-backed regions: " + ex.getMessage());
                return;
            }
            catch (final RuntimeException ex)
            {
                LOG.error("region creation failed {}", who, ex);
                rejectAttach(correlationId, ResponseCode.INTERNAL_ERROR, "region creation failed for stream " +
                    Integer.toUnsignedString(streamId) + ": " + ex.getMessage());
                return;
            }
        }

        final long leaseId = nextLeaseId++;
        final DriverLease lease = new DriverLease(leaseId, stream, clientId, (byte)role, correlationId,
            nowNs + ctx.leaseDurationNs());
        leases.put(leaseId, lease);
        leasesByClientId.put(clientId, lease);
        if (producer)
        {
            stream.producerLease = lease;
        }
        else
        {
            stream.consumerCount++;
        }
        counters.attachOk++;
        publisher.attachOk(correlationId, leaseId, lease.expiryNs, stream.layout);
        LOG.info("lease granted {} epoch={}", lease, stream.epoch());
        if (epochChanged || producer)
        {
            announce(stream, nowNs);
        }
    }

    private void rejectAttach(final long correlationId, final ResponseCode code, final String message)
    {
        switch (code)
        {
            case REJECTED:
                counters.attachRejected++;
                break;
            case INVALID_PARAMS:
                counters.attachInvalid++;
                break;
            case UNSUPPORTED:
                counters.attachUnsupported++;
                break;
            case INTERNAL_ERROR:
                counters.attachInternalError++;
                break;
            default:
                break;
        }
        LOG.info("attach refused correlationId={} code={}: {}", correlationId, code, message);
        publisher.attachError(correlationId, code, message);
    }

    private int onDetachRequest(final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        final boolean hasCorrelationId = length >= HEADER_LENGTH + Long.BYTES;
        if (!hasCorrelationId)
        {
            return MALFORMED;
        }
        final long correlationId = buffer.getLong(CORRELATION_ID_OFFSET, java.nio.ByteOrder.LITTLE_ENDIAN);
        if (version != SUPPORTED_VERSION)
        {
            counters.detachRejected++;
            publisher.detachResponse(correlationId, ResponseCode.UNSUPPORTED, "ShmDetachRequest schema version " +
                version + " is not supported (this driver speaks 901 version " + SUPPORTED_VERSION + ")");
            return HANDLED;
        }
        if (blockLength != ShmDetachRequestDecoder.BLOCK_LENGTH || length < HEADER_LENGTH + blockLength)
        {
            counters.detachRejected++;
            counters.malformedRequests++;
            publisher.detachResponse(correlationId, ResponseCode.INVALID_PARAMS, "malformed ShmDetachRequest: " +
                "blockLength " + blockLength + " in " + length + " bytes (expected blockLength " +
                ShmDetachRequestDecoder.BLOCK_LENGTH + ")");
            return HANDLED;
        }
        detachRequest.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final long leaseId = detachRequest.leaseId();
        final int streamId = (int)detachRequest.streamId();
        final int clientId = (int)detachRequest.clientId();
        final short role = detachRequest.roleRaw();
        if (role != Role.PRODUCER.value() && role != Role.CONSUMER.value())
        {
            counters.detachRejected++;
            publisher.detachResponse(correlationId, ResponseCode.INVALID_PARAMS, "unknown role " + role);
            return HANDLED;
        }
        final DriverLease lease = leases.get(leaseId);
        if (lease == null)
        {
            if (wasIssued(leaseId))
            {
                // Idempotent (Driver §4.9): the lease already ended, which is what the client wants.
                counters.detachOk++;
                publisher.detachResponse(correlationId, ResponseCode.OK,
                    "lease " + Long.toUnsignedString(leaseId) + " already ended");
            }
            else
            {
                counters.detachRejected++;
                publisher.detachResponse(correlationId, ResponseCode.REJECTED,
                    "unknown lease " + Long.toUnsignedString(leaseId));
            }
            return HANDLED;
        }
        if (lease.stream.streamId != streamId || lease.clientId != clientId || lease.role != role)
        {
            counters.detachRejected++;
            publisher.detachResponse(correlationId, ResponseCode.REJECTED, "detach for lease " +
                Long.toUnsignedString(leaseId) + " names stream=" + Integer.toUnsignedString(streamId) + " client=" +
                Integer.toUnsignedString(clientId) + " role=" + role + " but the lease is " + lease);
            return HANDLED;
        }
        counters.detachOk++;
        publisher.detachResponse(correlationId, ResponseCode.OK, null);
        invalidate(lease, LeaseRevokeReason.DETACHED, "detached by client", ctx.nanoClock().nanoTime());
        return HANDLED;
    }

    private int onKeepalive(final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        if (version != SUPPORTED_VERSION || blockLength != ShmLeaseKeepaliveDecoder.BLOCK_LENGTH ||
            length < HEADER_LENGTH + blockLength)
        {
            return MALFORMED;
        }
        keepalive.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final long leaseId = keepalive.leaseId();
        final DriverLease lease = leases.get(leaseId);
        if (lease != null && lease.stream.streamId == (int)keepalive.streamId() &&
            lease.clientId == (int)keepalive.clientId() && lease.role == keepalive.roleRaw())
        {
            lease.expiryNs = ctx.nanoClock().nanoTime() + ctx.leaseDurationNs();
            counters.keepalives++;
            return HANDLED;
        }
        counters.keepalivesUnknown++;
        final short role = keepalive.roleRaw();
        if (lease == null && !wasIssued(leaseId) && (role == Role.PRODUCER.value() || role == Role.CONSUMER.value()))
        {
            // A lease from another driver instance (e.g. before a restart): tell its holder once, so it reattaches.
            if (notifiedUnknownLeases.size() >= NOTIFIED_UNKNOWN_LIMIT)
            {
                notifiedUnknownLeases.clear();
            }
            if (notifiedUnknownLeases.add(leaseId))
            {
                counters.leasesRevoked++;
                publisher.leaseRevoked(ctx.nanoClock().nanoTime(), leaseId, (int)keepalive.streamId(),
                    (int)keepalive.clientId(), Role.get(role), LeaseRevokeReason.REVOKED,
                    "lease " + Long.toUnsignedString(leaseId) + " is not known to driver " + ctx.instanceId());
            }
        }
        return HANDLED;
    }

    private int onShutdownRequest(final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        if (version != SUPPORTED_VERSION || blockLength != ShmDriverShutdownRequestDecoder.BLOCK_LENGTH ||
            length < HEADER_LENGTH + blockLength)
        {
            return MALFORMED;
        }
        if (!MessageShapes.SHM_DRIVER_SHUTDOWN_REQUEST.fits(buffer, length))
        {
            return MALFORMED;
        }
        shutdownRequest.wrap(buffer, HEADER_LENGTH, blockLength, version);
        final short reasonRaw = shutdownRequest.reasonRaw();
        final int tokenLength = shutdownRequest.tokenLength();
        if (tokenLength < 0 || tokenLength > 4096)
        {
            return MALFORMED;
        }
        final byte[] token = new byte[tokenLength];
        shutdownRequest.getToken(token, 0, tokenLength);
        if (configuredToken.length == 0 || !MessageDigest.isEqual(configuredToken, token))
        {
            counters.shutdownRequestsRejected++;
            LOG.warn("shutdown request ignored: {}", configuredToken.length == 0 ?
                "policies.shutdown_token is not configured" : "token does not match");
            return HANDLED;
        }
        if (!draining)
        {
            final long nowNs = ctx.nanoClock().nanoTime();
            draining = true;
            drainDeadlineNs = nowNs + ctx.shutdownTimeoutNs();
            drainReason = reasonRaw == ShutdownReason.NORMAL.value() ? ShutdownReason.NORMAL :
                reasonRaw == ShutdownReason.ERROR.value() ? ShutdownReason.ERROR : ShutdownReason.ADMIN;
            LOG.info("shutdown requested reason={} draining for {} ms", drainReason,
                ctx.shutdownTimeoutNs() / 1_000_000);
            announceAll(nowNs);
        }
        return HANDLED;
    }

    /**
     * Timers: lease expiry, periodic announce plus activity refresh, epoch GC and the end of a drain.
     *
     * @return work done.
     */
    int onTimers(final long nowNs)
    {
        if (!started)
        {
            // Driven by a caller's loop that never called onStart().
            onStart(nowNs);
        }
        int work = 0;
        if (nowNs - nextLeaseCheckNs >= 0)
        {
            nextLeaseCheckNs = nowNs + leaseCheckIntervalNs;
            work += expireLeases(nowNs);
        }
        if (nowNs - nextAnnounceNs >= 0)
        {
            nextAnnounceNs = nowNs + ctx.announcePeriodNs();
            work += announceAll(nowNs);
            if (ctx.epochGcEnabled())
            {
                for (final DriverStream stream : streams.values())
                {
                    final int removed = stream.collectGarbage(ctx.epochGcKeep(), ctx.epochGcMinAgeNs(), nowNs);
                    counters.epochDirectoriesRemoved += removed;
                    work += removed;
                }
            }
        }
        if (draining && !terminated && nowNs - drainDeadlineNs >= 0)
        {
            sendShutdown(nowNs, drainReason, "shutdown requested");
            terminated = true;
            try
            {
                ctx.terminationHook().run();
            }
            catch (final RuntimeException ex)
            {
                LOG.error("termination hook failed", ex);
            }
            work++;
        }
        return work;
    }

    private int expireLeases(final long nowNs)
    {
        expired.clear();
        for (final DriverLease lease : leases.values())
        {
            if (nowNs - lease.expiryNs > 0)
            {
                expired.add(lease);
            }
        }
        for (int i = 0; i < expired.size(); i++)
        {
            counters.leasesExpired++;
            invalidate(expired.get(i), LeaseRevokeReason.EXPIRED, "no keepalive within " +
                ctx.leaseDurationNs() / 1_000_000 + " ms", nowNs);
        }
        final int count = expired.size();
        expired.clear();
        return count;
    }

    /**
     * End a lease: ShmLeaseRevoked first, then for a producer lease the epoch bump and its ShmPoolAnnounce
     * (Driver §4.7a, §4.9, §6).
     */
    private void invalidate(
        final DriverLease lease, final LeaseRevokeReason reason, final String message, final long nowNs)
    {
        leases.remove(lease.leaseId);
        leasesByClientId.remove(lease.clientId);
        final DriverStream stream = lease.stream;
        counters.leasesRevoked++;
        publisher.leaseRevoked(nowNs, lease.leaseId, stream.streamId, lease.clientId,
            lease.isProducer() ? Role.PRODUCER : Role.CONSUMER, reason, message);
        LOG.info("lease ended {} reason={}", lease, reason);
        if (lease.isProducer())
        {
            stream.producerLease = null;
            try
            {
                stream.advanceEpoch(ctx, nowNs);
                counters.epochBumps++;
            }
            catch (final RuntimeException ex)
            {
                LOG.error("epoch bump failed stream={}; the stream keeps epoch {}", Integer.toUnsignedString(
                    stream.streamId), stream.epoch(), ex);
            }
            announce(stream, nowNs);
        }
        else
        {
            stream.consumerCount--;
        }
    }

    private int announceAll(final long nowNs)
    {
        int work = 0;
        for (final DriverStream stream : streams.values())
        {
            if (stream.hasRegions())
            {
                stream.refreshActivity(nowNs);
                announce(stream, nowNs);
                work++;
            }
        }
        return work;
    }

    private void announce(final DriverStream stream, final long nowNs)
    {
        if (stream.hasRegions())
        {
            counters.announces++;
            publisher.poolAnnounce(stream.layout, stream.producerClientId(), nowNs);
        }
    }

    private void sendShutdown(final long nowNs, final ShutdownReason reason, final String message)
    {
        if (!shutdownSent)
        {
            shutdownSent = true;
            publisher.driverShutdown(nowNs, reason, message);
        }
    }

    /** Driver stop: ShmDriverShutdown (unless a drain already sent it), then unmap every region. */
    void shutdown(final long nowNs)
    {
        try
        {
            sendShutdown(nowNs, ShutdownReason.NORMAL, "driver " + ctx.instanceId() + " stopped");
        }
        finally
        {
            for (final DriverStream stream : streams.values())
            {
                stream.close();
            }
            leases.clear();
            leasesByClientId.clear();
            terminated = true;
        }
    }

    private boolean wasIssued(final long leaseId)
    {
        return leaseId >= firstLeaseId && leaseId < nextLeaseId;
    }

    private void startupGarbageCollection()
    {
        final Path namespaceDir = ctx.shmBaseDir().resolve(ctx.namespace());
        if (!Files.isDirectory(namespaceDir))
        {
            return;
        }
        final String prefix = ctx.instanceId() + "-stream-";
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(namespaceDir, prefix + "*"))
        {
            for (final Path dir : entries)
            {
                final int removed = DriverStream.collectStartupGarbage(dir, ctx.epochGcKeep());
                counters.epochDirectoriesRemoved += removed;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.warn("startup epoch GC failed in {}: {}", namespaceDir, ex.toString());
        }
    }
}
