package io.tensorpool.client;

import io.aeron.Aeron;
import io.aeron.Subscription;
import io.tensorpool.codecs.driver.PublishMode;
import io.tensorpool.codecs.driver.Role;
import io.tensorpool.codecs.wire.ConsumerConfigDecoder;
import io.tensorpool.codecs.wire.ControlResponseDecoder;
import io.tensorpool.codecs.wire.ResponseCode;
import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.FrameDescriptorDecoder;
import io.tensorpool.codecs.wire.FrameProgressDecoder;
import io.tensorpool.codecs.wire.MetaBlobAnnounceDecoder;
import io.tensorpool.codecs.wire.MetaBlobChunkDecoder;
import io.tensorpool.codecs.wire.MetaBlobCompleteDecoder;
import io.tensorpool.codecs.wire.Mode;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.SharedPublications;
import io.tensorpool.control.WireMessageEncoder;
import io.tensorpool.control.WireMessageListener;
import io.tensorpool.control.WirePoller;
import io.tensorpool.driver.client.DriverAttachment;
import io.tensorpool.driver.client.DriverClient;
import io.tensorpool.driver.client.DriverClientListener;
import io.tensorpool.driver.client.LeaseState;
import io.tensorpool.shm.FrameView;
import io.tensorpool.shm.PoolDescriptor;
import io.tensorpool.shm.ShmLayout;
import io.tensorpool.shm.ShmValidationException;
import io.tensorpool.shm.SlotReader;
import io.tensorpool.shm.StreamLayout;
import io.tensorpool.shm.StreamRegions;
import io.tensorpool.shm.Superblock;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochNanoClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemEpochNanoClock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Receives the frames of one data stream zero-copy from shared memory (Wire v1.1 §10, §11, §15.2–§15.4, §15.12,
 * §15.21).
 * <p>
 * {@link #poll(FrameHandler, int)} is non-blocking: it runs the control-plane duty cycle (announces, config, metadata,
 * hello and QoS timers, liveness) and delivers up to {@code limit} validated frames to the handler. Several consumers
 * (one per stream) may share one {@link Aeron} client; each consumer must be polled from one thread.
 * <p>
 * Mapping follows the UNMAPPED/MAPPED/FALLBACK state machine: an announce is used only if it is fresh (within the
 * freshness window), not from before the consumer joined (MONOTONIC clock domain), and of the highest epoch seen;
 * an epoch change, a superblock mismatch or stale activity unmaps and remaps. Every descriptor is checked against the
 * mapped slot (Wire §10.2.1) and any failure drops the frame: seq gaps count as {@code drops_gap}, seqlock
 * instability and overwrite as {@code drops_late}; falling more than {@code maxOutstandingSeqGap} behind resyncs to
 * the newest frame.
 */
public final class TensorPoolConsumer implements Agent, AutoCloseable
{
    /** Consumer mode (Wire §11). */
    public enum ConsumerMode
    {
        /** Process every descriptor; drop if late. */
        STREAM,
        /** Reduced rate: request a per-consumer descriptor stream capped at max_rate_hz, else drop locally. */
        RATE_LIMITED
    }

    /** Where delivery starts on the first mapping of a stream. */
    public enum StartPosition
    {
        /** Only frames announced after the mapping. */
        LATEST,
        /** First every frame of the epoch still committed in the ring, in seq order, then new ones. */
        EARLIEST_IN_RING
    }

    /** Mapping state (Wire §15.12). */
    public enum State
    {
        UNMAPPED, MAPPED, FALLBACK
    }

    static final int SOURCE_CONTROL = 1;
    static final int SOURCE_DESCRIPTOR = 2;
    static final int SOURCE_METADATA = 4;
    static final int SOURCE_CONSUMER_DESCRIPTOR = 8;
    static final int SOURCE_CONSUMER_CONTROL = 16;

    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolConsumer.class);
    /** Thrown (preallocated) when the per-batch check finds a mapped file truncated; handled as a region fault. */
    private static final InternalError REGION_NOT_BACKED =
        new InternalError("a mapped region file was truncated under the mapping (found before reading it)");
    private static final long WARN_INTERVAL_NS = 5_000_000_000L;
    private static final int CONTROL_FRAGMENT_LIMIT = 16;
    private static final long NO_SEQ = -1;

    private final Context ctx;
    private final NanoClock clock;
    private final int streamId;
    private final int consumerId;
    private final DriverClient driverClient;
    private final SharedPublications publications;
    private final io.aeron.Publication controlPublication;
    private final io.aeron.Publication qosPublication;
    private final ArrayList<WirePoller> pollers = new ArrayList<>();
    private final Listener listener = new Listener();
    private final WireMessageEncoder encoder = new WireMessageEncoder();
    private final FrameView view = new FrameView();
    // collaborators, one per concern: announce timestamps (Wire §10.1.1), region files and path policy (§15.21a),
    // ConsumerConfig and per-consumer streams (§10.1.3, §5), FrameProgress (§10.2.2), data source metadata and
    // blobs (§10.3). All run on this consumer's thread (metadata is also read from others). Final fields of final
    // classes, so the frame path's calls into the assignment inline like the fields they replaced. The mapping
    // state machine and the frame path stay here.
    private final AnnounceFreshness announceFreshness;
    private final MappedRegionFiles regionFiles;
    private final ConsumerAssignment assignment;
    private final ProgressReceiver progressReceiver;
    private final MetadataTracker metadataTracker;
    private final MetaBlobAssembler metaBlobs;

    private State state = State.UNMAPPED;
    private StreamRegions regions;
    private StreamLayout mappedLayout;
    private final MappedLayoutMatcher layoutMatcher = new MappedLayoutMatcher();
    private SlotReader reader;
    private long mappedEpoch;
    private long epochFloor;
    private int ringMask;
    private long[] replayScratch = new long[0];
    private boolean replayPending;
    private long replayAfterSeq = NO_SEQ;

    private FrameHandler handler;
    private int deliverBudget;
    private int delivered;

    private long lastSeqSeen = NO_SEQ;
    private long lastDeliveredSeq = NO_SEQ;
    private long resyncTargetSeq = NO_SEQ;
    private long lastDeliveryNs = Long.MIN_VALUE;

    private long nextHelloNs;
    private long nextQosNs;
    private long nextLivenessNs;
    private boolean closed;

    private long framesReceived;
    private long bytesReceived;
    private long dropsGap;
    private long dropsLate;
    private long dropsLateAfterDelivery;
    private long dropsInvalid;
    private long dropsUnmapped;
    private long dropsOtherEpoch;
    private long dropsRateLimited;
    private long duplicates;
    private long resyncs;
    private long epochChanges;
    private long remaps;
    private long regionFaults;
    private long mapFailures;
    private long announcesOlderEpoch;
    private long announcesConfirmed;
    private long lastWarnNs = Long.MIN_VALUE;
    private long controlResponses;
    private volatile String lastControlResponse = "";

    /** Subscribe to the control, descriptor and metadata endpoints and publish on control and QoS. */
    public TensorPoolConsumer(final Context context)
    {
        context.conclude();
        this.ctx = context;
        this.clock = context.nanoClock();
        this.streamId = context.streamId();
        this.metaBlobs = new MetaBlobAssembler(streamId, context.maxMetaBlobLength(),
            context.verifyMetaBlobChecksum(), context.metaBlobHandler());
        this.metadataTracker = new MetadataTracker(streamId);
        this.progressReceiver = new ProgressReceiver(context, streamId);
        this.consumerId = context.consumerId();
        final Aeron aeron = context.aeron();
        this.assignment = new ConsumerAssignment(context, aeron, streamId, consumerId, pollers, listener);
        this.regionFiles = new MappedRegionFiles(context, context.useDriver());
        this.announceFreshness = new AnnounceFreshness(context, clock);
        SharedPublications pubs = null;
        DriverClient driver = null;
        try
        {
            pubs = new SharedPublications(aeron);
            this.publications = pubs;
            this.controlPublication = pubs.publication(context.controlChannel(), context.controlStreamId());
            this.qosPublication = pubs.publication(context.qosChannel(), context.qosStreamId());

            final Map<String, Integer> roles = new LinkedHashMap<>();
            final Map<String, String[]> endpoints = new HashMap<>();
            addRole(roles, endpoints, context.controlChannel(), context.controlStreamId(), SOURCE_CONTROL);
            addRole(roles, endpoints, context.descriptorChannel(), context.descriptorStreamId(), SOURCE_DESCRIPTOR);
            addRole(roles, endpoints, context.metadataChannel(), context.metadataStreamId(), SOURCE_METADATA);
            announceFreshness.subscribing();
            for (final Map.Entry<String, Integer> entry : roles.entrySet())
            {
                final String[] endpoint = endpoints.get(entry.getKey());
                final int id = Integer.parseInt(endpoint[1]);
                final int source = entry.getValue();
                final Subscription subscription = (source & SOURCE_CONTROL) != 0 ?
                    aeron.addSubscription(endpoint[0], id, announceFreshness, image -> {}) :
                    aeron.addSubscription(endpoint[0], id);
                pollers.add(new WirePoller(subscription, listener, source,
                    describeSource(source) + " " + endpoint[0] + "/" + id, true));
            }
            final long nowNs = clock.nanoTime();
            nextHelloNs = nowNs;
            nextQosNs = nowNs + context.qosPeriodNs();
            nextLivenessNs = nowNs + context.helloPeriodNs();
            LOG.info("stream={} consumer={} started: mode={} maxRateHz={} progress={} start={} allowedBaseDirs={}",
                Integer.toUnsignedString(streamId), Integer.toUnsignedString(consumerId), context.mode(),
                context.maxRateHz(), context.supportsProgress(), context.startPosition(), context.allowedBaseDirs());
            if (context.useDriver())
            {
                // Driver Model: hold a consumer lease; mapping follows the lease, not raw announces (Driver §2.3).
                driver = new DriverClient(new DriverClient.Context()
                    .aeron(aeron)
                    .controlChannel(context.controlChannel())
                    .controlStreamId(context.controlStreamId())
                    .streamId(streamId)
                    .role(Role.CONSUMER)
                    .clientId(consumerId)
                    .publishMode(PublishMode.EXISTING_OR_CREATE)
                    .announceFreshnessNs(context.announceFreshnessWindowNs())
                    .nanoClock(clock)
                    .listener(new DriverLeaseListener()));
                driver.requestAttach();
            }
            this.driverClient = driver;
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(driver);
            CloseHelper.quietCloseAll(pollers);
            CloseHelper.quietClose(pubs);
            context.closeOwned();
            throw ex;
        }
    }

    private static void addRole(
        final Map<String, Integer> roles,
        final Map<String, String[]> endpoints,
        final String channel,
        final int id,
        final int source)
    {
        final String key = SharedPublications.endpointKey(channel, id);
        roles.merge(key, source, (a, b) -> a | b);
        endpoints.put(key, new String[]{channel, Integer.toString(id)});
    }

    private static String describeSource(final int source)
    {
        final StringBuilder sb = new StringBuilder();
        if ((source & SOURCE_CONTROL) != 0)
        {
            sb.append("control+");
        }
        if ((source & SOURCE_DESCRIPTOR) != 0)
        {
            sb.append("descriptor+");
        }
        if ((source & SOURCE_METADATA) != 0)
        {
            sb.append("metadata+");
        }
        if ((source & SOURCE_CONSUMER_DESCRIPTOR) != 0)
        {
            sb.append("consumer-descriptor+");
        }
        if ((source & SOURCE_CONSUMER_CONTROL) != 0)
        {
            sb.append("consumer-control+");
        }
        return sb.length() == 0 ? "none" : sb.substring(0, sb.length() - 1);
    }

    // ---------------------------------------------------------------- polling

    /**
     * Run the control-plane duty cycle and deliver up to {@code limit} frames to {@code handler}. Never blocks.
     *
     * @return work done (fragments polled, messages sent, frames delivered); 0 when idle.
     * @throws FrameHandlerException if the handler threw.
     */
    public int poll(final FrameHandler handler, final int limit)
    {
        if (closed)
        {
            return 0;
        }
        if (handler == null)
        {
            throw new IllegalArgumentException("a FrameHandler is required (Context.frameHandler for doWork)");
        }
        this.handler = handler;
        this.deliverBudget = limit;
        this.delivered = 0;
        if (reader != null)
        {
            // the first frame of this batch checks that no mapped file was truncated (docs/hardening.md)
            reader.startBatch();
        }
        try
        {
            return pollMapped(handler);
        }
        catch (final InternalError ex)
        {
            // A region file truncated under the mapping raises SIGBUS on access; the JVM reports it as this
            // InternalError, possibly a little after the faulting read. The mapping is dead: drop it, wait for the
            // next announce/attach to map again, never touch the dead pages again (docs/hardening.md).
            if (regions == null)
            {
                throw ex;
            }
            regionFaults++;
            LOG.warn("stream={} epoch={} fault reading the mapped regions (file truncated or replaced?): " +
                "unmapping: {}", Integer.toUnsignedString(streamId), mappedEpoch, ex.getMessage());
            unmap();
            remaps++;
            reattachThroughDriver();
            this.handler = null;
            return 1;
        }
    }

    private int pollMapped(final FrameHandler handler)
    {
        final long nowNs = clock.nanoTime();
        int work = 0;
        if (state == State.MAPPED)
        {
            // descriptors that arrived before an epoch boundary in the control plane are still delivered from the
            // mapping they refer to: taking the announce first would drop frames committed before the boundary
            work += pollDescriptors();
        }
        work += dutyCycle(nowNs);
        if (replayPending && state == State.MAPPED && handler != null)
        {
            replayPending = false;
            work += replayRing(replayAfterSeq, handler);
        }
        work += pollDescriptors();
        this.handler = null;
        return work;
    }

    private int pollDescriptors()
    {
        int work = 0;
        final ArrayList<WirePoller> pollers = this.pollers;
        for (int i = 0, n = pollers.size(); i < n; i++)
        {
            final WirePoller poller = pollers.get(i);
            if ((poller.source() & (SOURCE_DESCRIPTOR | SOURCE_CONSUMER_DESCRIPTOR)) != 0)
            {
                final int remaining = deliverBudget - delivered;
                if (remaining > 0)
                {
                    work += poller.poll(remaining);
                }
            }
        }
        return work;
    }

    /** Agent duty cycle: {@link #poll} with the context's frame handler and fragment limit. */
    @Override
    public int doWork()
    {
        return poll(ctx.frameHandler(), ctx.fragmentLimit());
    }

    @Override
    public String roleName()
    {
        return "tensorpool-consumer-" + Integer.toUnsignedString(streamId) + "-" + Integer.toUnsignedString(consumerId);
    }

    @Override
    public void onClose()
    {
        close();
    }

    /**
     * Deliver, in seq order, every frame of the mapped epoch still committed in the ring with seq greater than
     * {@code afterSeq} (-1 for all), with the same validation and post-callback re-check as live frames. Used for
     * {@link StartPosition#EARLIEST_IN_RING}, after a remap, and to resume from a checkpointed sequence.
     *
     * @return frames delivered; 0 when not mapped.
     * @throws FrameHandlerException if the handler threw.
     */
    public int replayRing(final long afterSeq, final FrameHandler handler)
    {
        if (state != State.MAPPED || closed)
        {
            return 0;
        }
        final FrameHandler previous = this.handler;
        this.handler = handler;
        int count = 0;
        try
        {
            final int nslots = regions.headerRing().nslots();
            int found = 0;
            for (int i = 0; i < nslots; i++)
            {
                final long committed = reader.committedSequenceAt(i);
                if (committed >= 0 && committed > afterSeq)
                {
                    replayScratch[found++] = committed;
                }
            }
            Arrays.sort(replayScratch, 0, found);
            for (int i = 0; i < found; i++)
            {
                final long seq = replayScratch[i];
                if (lastDeliveredSeq != NO_SEQ && seq <= lastDeliveredSeq)
                {
                    continue;
                }
                if (deliver(seq, (int)(seq & ringMask)))
                {
                    count++;
                }
                if (lastSeqSeen == NO_SEQ || seq > lastSeqSeen)
                {
                    lastSeqSeen = seq;
                }
            }
        }
        finally
        {
            this.handler = previous;
        }
        return count;
    }

    private int dutyCycle(final long nowNs)
    {
        int work = 0;
        if (driverClient != null)
        {
            work += driverClient.doWork();
            if (driverClient.state() == LeaseState.UNATTACHED)
            {
                driverClient.requestAttach();
            }
        }
        final ArrayList<WirePoller> pollers = this.pollers;
        for (int i = 0, n = pollers.size(); i < n; i++)
        {
            final WirePoller poller = pollers.get(i);
            if ((poller.source() & (SOURCE_DESCRIPTOR | SOURCE_CONSUMER_DESCRIPTOR)) == 0)
            {
                work += poller.poll(CONTROL_FRAGMENT_LIMIT);
            }
        }
        work += assignment.doWork();
        if (nowNs - nextHelloNs >= 0)
        {
            nextHelloNs = nowNs + ctx.helloPeriodNs();
            sendHello();
            work++;
        }
        if (nowNs - nextQosNs >= 0)
        {
            nextQosNs = nowNs + ctx.qosPeriodNs();
            final int length = encoder.qosConsumer(streamId, consumerId, mappedEpoch,
                lastSeqSeen == NO_SEQ ? 0 : lastSeqSeen, dropsGap, dropsLate, assignment.mode());
            // hello and QoS are periodic: a lost one is resent, so the result is not checked
            EncodedOffer.offer(qosPublication, encoder, length);
            work++;
        }
        if (nowNs - nextLivenessNs >= 0)
        {
            nextLivenessNs = nowNs + ctx.helloPeriodNs();
            LoggingAeronClients.requireOpen(ctx.aeron(), "consumer", streamId);
            work += checkLiveness(nowNs);
        }
        return work;
    }

    private void sendHello()
    {
        final long intervalUs = ctx.progressIntervalUs() < 0 ? WireMessageEncoder.NULL_U32 : ctx.progressIntervalUs();
        final long bytesDelta = ctx.progressBytesDelta() < 0 ? WireMessageEncoder.NULL_U32 : ctx.progressBytesDelta();
        final int length = encoder.consumerHello(streamId, consumerId, true, ctx.supportsProgress(),
            ctx.mode() == ConsumerMode.RATE_LIMITED ? Mode.RATE_LIMITED : Mode.STREAM, ctx.maxRateHz(),
            ShmLayout.LAYOUT_VERSION, intervalUs, bytesDelta, WireMessageEncoder.NULL_U32,
            ctx.requestedDescriptorStreamId(), ctx.requestedControlStreamId(),
            ctx.requestedDescriptorChannel(), ctx.requestedControlChannel());
        EncodedOffer.offer(controlPublication, encoder, length);
    }

    /** Wire §15.14: stale activity or a changed superblock unmaps; the next fresh announce maps again. */
    private int checkLiveness(final long nowNs)
    {
        if (state != State.MAPPED)
        {
            return 0;
        }
        if (!regionFiles.intact())
        {
            LOG.warn("stream={} epoch={} a region file was truncated, replaced or removed: unmapping",
                Integer.toUnsignedString(streamId), mappedEpoch);
            unmap();
            remaps++;
            reattachThroughDriver();
            return 1;
        }
        final org.agrona.concurrent.UnsafeBuffer header = regions.headerRing().buffer();
        if (Superblock.magic(header) != ShmLayout.MAGIC || Superblock.epoch(header) != mappedEpoch)
        {
            LOG.warn("stream={} epoch={} header ring superblock changed (magic or epoch): unmapping",
                Integer.toUnsignedString(streamId), mappedEpoch);
            unmap();
            remaps++;
            return 1;
        }
        if (!Superblock.isFresh(header, nowNs, ctx.announceFreshnessWindowNs()))
        {
            LOG.warn("stream={} epoch={} producer activity stale for more than {} ms: unmapping",
                Integer.toUnsignedString(streamId), mappedEpoch, ctx.announceFreshnessWindowNs() / 1_000_000);
            unmap();
            remaps++;
            // the producer is gone: accept a lower epoch from whoever announces next
            epochFloor = 0;
            if (driverClient != null)
            {
                // Driver mode: the mapping comes from a lease; take a fresh one.
                driverClient.detach();
            }
            return 1;
        }
        return 0;
    }

    // ---------------------------------------------------------------- descriptors and frames

    private void onFrameDescriptor(final FrameDescriptorDecoder descriptor, final int source)
    {
        if ((int)descriptor.streamId() != streamId)
        {
            return;
        }
        if ((source & SOURCE_CONSUMER_DESCRIPTOR) == 0 && assignment.descriptorActive())
        {
            return;
        }
        if (state != State.MAPPED)
        {
            dropsUnmapped++;
            return;
        }
        if (descriptor.epoch() != mappedEpoch)
        {
            dropsOtherEpoch++;
            return;
        }
        final long seq = descriptor.seq();
        if (lastSeqSeen != NO_SEQ)
        {
            if (seq <= lastSeqSeen)
            {
                duplicates++;
                return;
            }
            final boolean capped = assignment.descriptorActive() && assignment.mode() == Mode.RATE_LIMITED;
            if (seq > lastSeqSeen + 1 && !capped)
            {
                dropsGap += seq - lastSeqSeen - 1;
            }
        }
        lastSeqSeen = seq;
        if (resyncTargetSeq != NO_SEQ)
        {
            if (seq < resyncTargetSeq)
            {
                dropsGap++;
                return;
            }
            resyncTargetSeq = NO_SEQ;
        }
        if (ctx.mode() == ConsumerMode.RATE_LIMITED && !assignment.descriptorActive() && ctx.maxRateHz() > 0)
        {
            // declined or not requested: drop locally to honour max_rate_hz (Wire §11)
            final long nowNs = clock.nanoTime();
            if (lastDeliveryNs != Long.MIN_VALUE && nowNs - lastDeliveryNs < 1_000_000_000L / ctx.maxRateHz())
            {
                dropsRateLimited++;
                return;
            }
        }
        final long headerIndex = descriptor.headerIndex();
        if (headerIndex > Integer.MAX_VALUE)
        {
            dropsInvalid++;
            warn("header_index out of range", seq, headerIndex);
            return;
        }
        deliver(seq, (int)headerIndex);
    }

    /** Validate the slot, hand it to the handler, re-check after; true if delivered. */
    private boolean deliver(final long seq, final int headerIndex)
    {
        final int status = reader.begin(headerIndex, seq, view);
        if (status == SlotReader.OK)
        {
            delivered++;
            if (ctx.mode() == ConsumerMode.RATE_LIMITED)
            {
                lastDeliveryNs = clock.nanoTime();
            }
            try
            {
                handler.onFrame(view);
            }
            catch (final RuntimeException ex)
            {
                countAfterDelivery(seq);
                throw new FrameHandlerException(ex);
            }
            catch (final InternalError ex)
            {
                // SIGBUS while the handler read a truncated region: the frame was never confirmed, count it as
                // dropped; poll() drops the mapping
                dropsLate++;
                dropsLateAfterDelivery++;
                throw ex;
            }
            countAfterDelivery(seq);
            return true;
        }
        if (status == SlotReader.OVERWRITTEN)
        {
            final long committed = reader.committedSequenceAt(headerIndex);
            if (committed > seq && committed - seq > ctx.maxOutstandingSeqGap())
            {
                // Wire §15.4: too far behind; skip to the newest frame rather than chase overwritten ones
                resyncs++;
                dropsGap++;
                resyncTargetSeq = committed;
                warn("resync: consumer behind by more than max_outstanding_seq_gap, skipping to seq", seq,
                    committed);
                return false;
            }
            dropsLate++;
            return false;
        }
        if (SlotReader.isLate(status))
        {
            dropsLate++;
            return false;
        }
        if (status == SlotReader.REGION_NOT_BACKED)
        {
            // a mapped file was truncated: contain it like the SIGBUS it would cause (caught in poll)
            throw REGION_NOT_BACKED;
        }
        dropsInvalid++;
        warn(SlotReader.describe(status), seq, headerIndex);
        return false;
    }

    private void countAfterDelivery(final long seq)
    {
        if (view.stillCommitted())
        {
            framesReceived++;
            bytesReceived += view.valuesLength();
        }
        else
        {
            dropsLate++;
            dropsLateAfterDelivery++;
        }
        lastDeliveredSeq = seq;
    }

    private void onFrameProgress(final FrameProgressDecoder progress, final int source)
    {
        // the shared stream's hints are duplicates once this consumer's own control stream is live
        if ((source & SOURCE_CONSUMER_CONTROL) == 0 && assignment.controlActive())
        {
            return;
        }
        final boolean mapped = state == State.MAPPED;
        progressReceiver.onFrameProgress(progress, mapped, mappedEpoch, ringMask, mapped ? regions.maxStride() : 0);
    }

    // ---------------------------------------------------------------- announces and mapping

    private void onShmPoolAnnounce(final ShmPoolAnnounceDecoder announce)
    {
        if ((int)announce.streamId() != streamId || state == State.FALLBACK || driverClient != null)
        {
            return;
        }
        final long nowNs = clock.nanoTime();
        final long timestampNs = announce.announceTimestampNs();
        final short domain = announce.announceClockDomainRaw();
        final long epoch = announce.epoch();
        final int freshness = announceFreshness.check(timestampNs, domain, nowNs);
        if (freshness != AnnounceFreshness.FRESH)
        {
            if (freshness == AnnounceFreshness.UNKNOWN_CLOCK_DOMAIN)
            {
                warn("announce with unknown clock domain", epoch, domain);
            }
            return;
        }

        if (state == State.MAPPED)
        {
            if (epoch == mappedEpoch)
            {
                if (layoutMatcher.matches(announce))
                {
                    announcesConfirmed++; // the steady state: compared in place, nothing decoded or allocated
                    return;
                }
                final StreamLayout layout = decodeLayout(announce);
                if (layout != null && !layout.sameRegions(mappedLayout))
                {
                    LOG.warn("stream={} epoch={} announce changed the layout within an epoch: remapping",
                        Integer.toUnsignedString(streamId), epoch);
                    unmap();
                    remaps++;
                    map(layout, false);
                }
                return;
            }
            if (Long.compareUnsigned(epoch, mappedEpoch) < 0)
            {
                announcesOlderEpoch++;
                return;
            }
            LOG.info("stream={} epoch={} new epoch announced (was {}): remapping", Integer.toUnsignedString(streamId),
                epoch, mappedEpoch);
            final StreamLayout layout = decodeLayout(announce);
            if (layout == null)
            {
                return;
            }
            unmap();
            epochChanges++;
            remaps++;
            map(layout, true);
            return;
        }
        if (Long.compareUnsigned(epoch, epochFloor) < 0)
        {
            announcesOlderEpoch++;
            return;
        }
        final StreamLayout layout = decodeLayout(announce);
        if (layout != null)
        {
            final boolean remap = epochFloor != 0;
            if (remap && epoch != epochFloor)
            {
                epochChanges++;
            }
            map(layout, remap);
        }
    }

    private StreamLayout decodeLayout(final ShmPoolAnnounceDecoder announce)
    {
        if (announce.headerSlotBytes() != ShmLayout.HEADER_SLOT_BYTES)
        {
            mapFailures++;
            warn("announce header_slot_bytes is not 256", announce.epoch(), announce.headerSlotBytes());
            return null;
        }
        final long nslots = announce.headerNslots();
        final long layoutVersion = announce.layoutVersion();
        final List<PoolDescriptor> pools = new ArrayList<>();
        for (final ShmPoolAnnounceDecoder.PayloadPoolsDecoder pool : announce.payloadPools())
        {
            pools.add(new PoolDescriptor(pool.poolId(), (int)pool.poolNslots(), (int)pool.strideBytes(),
                pool.regionUri()));
        }
        return new StreamLayout(streamId, announce.epoch(), (int)layoutVersion, (int)nslots,
            announce.headerRegionUri(), pools);
    }

    private void map(final StreamLayout layout, final boolean remap)
    {
        final StreamRegions mapped;
        try
        {
            mapped = regionFiles.map(layout);
        }
        catch (final ShmValidationException | IllegalArgumentException ex)
        {
            mapFailures++;
            if (shouldWarn())
            {
                LOG.warn("stream={} epoch={} cannot map announced regions: {}", Integer.toUnsignedString(streamId),
                    layout.epoch(), ex.getMessage());
            }
            return;
        }
        final boolean sameEpoch = mappedEpoch == layout.epoch() && mappedEpoch != 0;
        regions = mapped;
        mappedLayout = layout;
        layoutMatcher.mapped(layout);
        reader = new SlotReader(mapped);
        reader.backingCheckPerFrame(ctx.regionBackingCheckPerFrame());
        mappedEpoch = layout.epoch();
        epochFloor = mappedEpoch;
        ringMask = layout.headerNslots() - 1;
        if (replayScratch.length < layout.headerNslots())
        {
            replayScratch = new long[layout.headerNslots()];
        }
        state = State.MAPPED;
        resyncTargetSeq = NO_SEQ;
        progressReceiver.reset();
        if (sameEpoch)
        {
            // remapped the same epoch (e.g. after a liveness timeout): same frames, keep seq tracking and catch up
            replayPending = true;
            replayAfterSeq = lastDeliveredSeq;
        }
        else
        {
            lastSeqSeen = NO_SEQ;
            lastDeliveredSeq = NO_SEQ;
            // after a remap, frames of the new epoch committed before we mapped are still in the ring: deliver them
            replayPending = remap || ctx.startPosition() == StartPosition.EARLIEST_IN_RING;
            replayAfterSeq = NO_SEQ;
        }
        LOG.info("stream={} epoch={} mapped: nslots={} pools={} header={}", Integer.toUnsignedString(streamId),
            mappedEpoch, layout.headerNslots(), layout.pools().size(), layout.headerRegionUri());
    }

    /** Driver Model consumer: the lease decides what is mapped (Driver §4.9, §4.12.3). */
    private final class DriverLeaseListener implements DriverClientListener
    {
        @Override
        public void onAttached(final DriverAttachment attachment)
        {
            if (state == State.MAPPED && mappedEpoch == attachment.epoch())
            {
                return;
            }
            final boolean remap = regions != null || epochFloor != 0;
            if (remap && attachment.epoch() != mappedEpoch)
            {
                epochChanges++;
            }
            if (regions != null)
            {
                unmap();
                remaps++;
            }
            regionFiles.newLease();
            map(attachment.layout(), remap);
        }

        @Override
        public void onLayoutChanged(final DriverAttachment attachment)
        {
            LOG.info("stream={} epoch={} driver moved the stream to a new epoch (was {}): remapping",
                Integer.toUnsignedString(streamId), attachment.epoch(), mappedEpoch);
            unmap();
            epochChanges++;
            remaps++;
            map(attachment.layout(), true);
        }

        @Override
        public void onProducerRevoked(final int revokedStreamId, final long producerLeaseId)
        {
            // Stop reading the old epoch; the epoch-bumped announce (onLayoutChanged) maps the new one.
            unmap();
        }

        @Override
        public void onLeaseLost(final String reason)
        {
            LOG.warn("stream={} consumer lease lost: {}", Integer.toUnsignedString(streamId), reason);
            unmap();
        }
    }

    /** Driver mode: the mapping came from a lease, so take a fresh one (as after stale activity). */
    private void reattachThroughDriver()
    {
        if (driverClient != null)
        {
            driverClient.detach();
        }
    }

    private void unmap()
    {
        regionFiles.forget();
        final StreamRegions toClose = regions;
        regions = null;
        reader = null;
        mappedLayout = null;
        layoutMatcher.mapped(null);
        state = state == State.FALLBACK ? State.FALLBACK : State.UNMAPPED;
        replayPending = false;
        CloseHelper.quietClose(toClose);
    }

    private void onConsumerConfig(final ConsumerConfigDecoder config)
    {
        // Wire §15.12: FALLBACK is a mapping state, so the consumer makes the transition the assignment asks for
        final int transition = assignment.onConsumerConfig(config, state == State.FALLBACK);
        if (transition == ConsumerAssignment.ENTER_FALLBACK)
        {
            unmap();
            state = State.FALLBACK;
            assignment.fallbackEntered();
        }
        else if (transition == ConsumerAssignment.LEAVE_FALLBACK)
        {
            state = State.UNMAPPED;
            assignment.shmAllowed();
        }
    }

    // ---------------------------------------------------------------- metadata

    /**
     * The metadata for {@code metaVersion} (as carried by {@link FrameView#metaVersion()}), or null if that version
     * was not received (the last 16 versions are kept). Thread-safe.
     */
    public DataSourceMetadata metadata(final long metaVersion)
    {
        return metadataTracker.metadata(metaVersion);
    }

    /** The newest metadata received, or null. Thread-safe. */
    public DataSourceMetadata latestMetadata()
    {
        return metadataTracker.latestMetadata();
    }

    /** The data source name from the last {@code DataSourceAnnounce}, empty if none yet. Thread-safe. */
    public String dataSourceName()
    {
        return metadataTracker.dataSourceName();
    }

    // ---------------------------------------------------------------- close, logging

    /** Unmap, close subscriptions and publications, and the owned Aeron client/driver. */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        unmap();
        CloseHelper.closeAll(driverClient, () -> CloseHelper.closeAll(pollers), publications, ctx::closeOwned);
        LOG.info("stream={} consumer={} closed: frames={} dropsGap={} dropsLate={} invalid={}",
            Integer.toUnsignedString(streamId), Integer.toUnsignedString(consumerId), framesReceived, dropsGap,
            dropsLate, dropsInvalid);
    }

    private void warn(final String what, final long seq, final long value)
    {
        if (shouldWarn())
        {
            LOG.warn("stream={} epoch={} seq={} frame dropped: {} ({})", Integer.toUnsignedString(streamId),
                mappedEpoch, seq, what, value);
        }
    }

    private boolean shouldWarn()
    {
        final long nowNs = System.nanoTime();
        if (lastWarnNs == Long.MIN_VALUE || nowNs - lastWarnNs >= WARN_INTERVAL_NS)
        {
            lastWarnNs = nowNs;
            return true;
        }
        return false;
    }

    private final class Listener implements WireMessageListener
    {
        @Override
        public void onShmPoolAnnounce(final ShmPoolAnnounceDecoder decoder, final int source)
        {
            TensorPoolConsumer.this.onShmPoolAnnounce(decoder);
        }

        @Override
        public void onConsumerConfig(final ConsumerConfigDecoder decoder, final int source)
        {
            TensorPoolConsumer.this.onConsumerConfig(decoder);
        }

        @Override
        public void onFrameDescriptor(final FrameDescriptorDecoder decoder, final int source)
        {
            TensorPoolConsumer.this.onFrameDescriptor(decoder, source);
        }

        @Override
        public void onFrameProgress(final FrameProgressDecoder decoder, final int source)
        {
            TensorPoolConsumer.this.onFrameProgress(decoder, source);
        }

        @Override
        public void onDataSourceAnnounce(final DataSourceAnnounceDecoder decoder, final int source)
        {
            metadataTracker.onDataSourceAnnounce(decoder);
        }

        @Override
        public void onControlResponse(final ControlResponseDecoder decoder, final int source)
        {
            // producers answer a ConsumerHello problem with correlation id = consumer id
            if (decoder.correlationId() == (consumerId & 0xFFFF_FFFFL))
            {
                final ResponseCode code = decoder.code();
                final String message = decoder.errorMessage();
                controlResponses++;
                lastControlResponse = code + ": " + message;
                LOG.warn("stream={} consumer={} control response {}: {}", Integer.toUnsignedString(streamId),
                    Integer.toUnsignedString(consumerId), code, message);
            }
        }

        @Override
        public void onDataSourceMeta(final DataSourceMetaDecoder decoder, final int source)
        {
            metadataTracker.onDataSourceMeta(decoder);
        }

        @Override
        public void onMetaBlobAnnounce(final MetaBlobAnnounceDecoder decoder, final int source)
        {
            metaBlobs.onAnnounce(decoder);
        }

        @Override
        public void onMetaBlobChunk(final MetaBlobChunkDecoder decoder, final int source)
        {
            metaBlobs.onChunk(decoder);
        }

        @Override
        public void onMetaBlobComplete(final MetaBlobCompleteDecoder decoder, final int source)
        {
            metaBlobs.onComplete(decoder);
        }
    }

    // ---------------------------------------------------------------- state and counters

    public int streamId()
    {
        return streamId;
    }

    public int consumerId()
    {
        return consumerId;
    }

    public State state()
    {
        return state;
    }

    /** The mapped epoch, or the last one mapped while UNMAPPED (0 before any). */
    public long epoch()
    {
        return mappedEpoch;
    }

    /** The layout currently mapped, or null. */
    public StreamLayout mappedLayout()
    {
        return mappedLayout;
    }

    /** True once a per-consumer descriptor stream is assigned and connected. */
    public boolean usingConsumerDescriptorStream()
    {
        return assignment.descriptorActive();
    }

    /** True once a per-consumer control stream is assigned and connected. */
    public boolean usingConsumerControlStream()
    {
        return assignment.controlActive();
    }

    /** True if the producer declined the requested per-consumer descriptor stream (empty channel, id 0). */
    public boolean descriptorRequestDeclined()
    {
        return assignment.descriptorRequestDeclined();
    }

    /** {@code payload_fallback_uri} from a {@code ConsumerConfig} with {@code use_shm = false}, else empty. */
    public String fallbackUri()
    {
        return assignment.fallbackUri();
    }

    /** What {@link #fallbackUri()} names; {@link PayloadFallback#NONE} outside FALLBACK. */
    public PayloadFallback fallbackKind()
    {
        return assignment.fallbackKind();
    }

    /** FALLBACK entries whose URI had an undefined scheme or did not parse (Wire §10.1.3). */
    public long fallbackUnsupported()
    {
        return assignment.fallbackUnsupported();
    }

    /** {@code ControlResponse} messages addressed to this consumer (correlation id = consumer id). */
    public long controlResponses()
    {
        return controlResponses;
    }

    /** The last {@code ControlResponse} for this consumer as "CODE: message", empty if none. */
    public String lastControlResponse()
    {
        return lastControlResponse;
    }

    /** Join time used for the Wire §10.1.1 rule (local monotonic ns). */
    public long joinTimeNs()
    {
        return announceFreshness.joinTimeNs();
    }

    /** Frames delivered and still committed after the handler returned. */
    public long framesReceived()
    {
        return framesReceived;
    }

    public long bytesReceived()
    {
        return bytesReceived;
    }

    /** Frames never delivered because of seq gaps or a resync (Wire §15.4 {@code drops_gap}). */
    public long dropsGap()
    {
        return dropsGap;
    }

    /** Frames lost to seqlock instability or overwrite, including after delivery ({@code drops_late}). */
    public long dropsLate()
    {
        return dropsLate;
    }

    /** The part of {@link #dropsLate()} detected after the handler returned (the handler saw a changing slot). */
    public long dropsLateAfterDelivery()
    {
        return dropsLateAfterDelivery;
    }

    /** Meta blobs received complete and verified (Wire §10.3.3). */
    public long metaBlobsReceived()
    {
        return metaBlobs.delivered();
    }

    /** Meta blobs discarded: gap, overlap, oversize, incomplete or checksum mismatch (Wire §10.3.3). */
    public long metaBlobsDiscarded()
    {
        return metaBlobs.discarded();
    }

    /** Why the last meta blob was discarded, with the offending value; empty if none was. */
    public String lastMetaBlobDiscardReason()
    {
        return metaBlobs.lastDiscardReason();
    }

    /** Descriptors dropped because the slot failed validation (Wire §10.2.1, §15.21). */
    public long dropsInvalid()
    {
        return dropsInvalid;
    }

    /** Descriptors received while not mapped. */
    public long dropsUnmapped()
    {
        return dropsUnmapped;
    }

    /** Descriptors of an epoch other than the mapped one (Wire §10.2.1). */
    public long dropsOtherEpoch()
    {
        return dropsOtherEpoch;
    }

    /** Descriptors dropped locally by a RATE_LIMITED consumer whose per-consumer stream was declined (Wire §11). */
    public long dropsRateLimited()
    {
        return dropsRateLimited;
    }

    /** Descriptors for a seq already seen (shared/per-consumer overlap, replay); not drops. */
    public long duplicates()
    {
        return duplicates;
    }

    /** Times the consumer skipped ahead after falling more than {@code maxOutstandingSeqGap} behind. */
    public long resyncs()
    {
        return resyncs;
    }

    public long epochChanges()
    {
        return epochChanges;
    }

    public long remaps()
    {
        return remaps;
    }

    /**
     * Times a mapped region faulted on access (its file was truncated under the mapping) and the consumer unmapped
     * it instead of crashing; each is also counted in {@link #remaps()}.
     */
    public long regionFaults()
    {
        return regionFaults;
    }

    /** Announces whose regions could not be mapped (path policy, superblock, layout). */
    public long mapFailures()
    {
        return mapFailures;
    }

    /** Announces ignored as older than the freshness window. */
    public long announcesStale()
    {
        return announceFreshness.stale();
    }

    /** Announces ignored as timestamped before the consumer joined (MONOTONIC only). */
    public long announcesBeforeJoin()
    {
        return announceFreshness.beforeJoin();
    }

    /** Announces ignored because a higher epoch is mapped. */
    public long announcesOlderEpoch()
    {
        return announcesOlderEpoch;
    }

    /** Fresh announces that described exactly the mapped regions (compared in place, without decoding). */
    public long announcesConfirmed()
    {
        return announcesConfirmed;
    }

    public long progressDelivered()
    {
        return progressReceiver.delivered();
    }

    public long progressDropped()
    {
        return progressReceiver.dropped();
    }

    /** The highest descriptor seq seen in the mapped epoch, -1 if none. */
    public long lastSeqSeen()
    {
        return lastSeqSeen;
    }

    /** The seq of the last frame handed to a handler, -1 if none. */
    public long lastDeliveredSeq()
    {
        return lastDeliveredSeq;
    }

    /** Every subscription's poller, for per-stream malformed/foreign/unknown fragment counters. */
    public List<WirePoller> pollers()
    {
        return pollers;
    }

    /** Malformed fragments over all subscriptions. */
    public long malformedFragments()
    {
        long total = 0;
        for (final WirePoller poller : pollers)
        {
            total += poller.malformedCount() + poller.unsupportedVersionCount();
        }
        return total;
    }

    /** Fragments of other schemas over all subscriptions. */
    public long foreignFragments()
    {
        long total = 0;
        for (final WirePoller poller : pollers)
        {
            total += poller.foreignSchemaCount();
        }
        return total;
    }

    /**
     * Configuration of a {@link TensorPoolConsumer}: fluent accessors, defaults, validated once by
     * {@link #conclude()}. Only {@link #streamId(int)} is required.
     */
    public static final class Context extends ClientContext<Context>
    {
        /** Default {@code max_outstanding_seq_gap} (Wire §15.4). */
        public static final int DEFAULT_MAX_OUTSTANDING_SEQ_GAP = 256;
        /** Default cap on a meta blob's {@code total_len}; larger announces are discarded. */
        public static final int DEFAULT_MAX_META_BLOB_LENGTH = 16 * 1024 * 1024;
        /** Default announce freshness window: 3x the 1 s announce period (Wire §10.1.1). */
        public static final long DEFAULT_ANNOUNCE_FRESHNESS_WINDOW_NS = 3_000_000_000L;

        private int consumerId;
        private ConsumerMode mode = ConsumerMode.STREAM;
        private long maxRateHz;
        private boolean supportsProgress;
        private long progressIntervalUs = -1;
        private long progressBytesDelta = -1;
        private ProgressHandler progressHandler;
        private MetaBlobHandler metaBlobHandler;
        private FallbackListener fallbackListener;
        private boolean regionBackingCheckPerFrame;
        private int maxMetaBlobLength = DEFAULT_MAX_META_BLOB_LENGTH;
        private boolean verifyMetaBlobChecksum = true;
        private FrameHandler frameHandler;
        private int fragmentLimit = 64;
        private String requestedDescriptorChannel = "";
        private int requestedDescriptorStreamId;
        private String requestedControlChannel = "";
        private int requestedControlStreamId;
        private List<Path> allowedBaseDirs = new ArrayList<>(List.of(TensorPoolProducer.Context.DEFAULT_SHM_BASE_DIR));
        private int maxOutstandingSeqGap = DEFAULT_MAX_OUTSTANDING_SEQ_GAP;
        private long announceFreshnessWindowNs = DEFAULT_ANNOUNCE_FRESHNESS_WINDOW_NS;
        private StartPosition startPosition = StartPosition.LATEST;
        private long helloPeriodNs = DEFAULT_PERIOD_NS;
        private EpochNanoClock epochNanoClock = new SystemEpochNanoClock();

        @Override
        protected void concludeSettings()
        {
            if (consumerId == 0)
            {
                // Wire §10.1.2: self-assigned ids are random
                consumerId = ThreadLocalRandom.current().nextInt(1, Integer.MAX_VALUE);
            }
            if (mode == ConsumerMode.RATE_LIMITED && maxRateHz <= 0)
            {
                throw new IllegalArgumentException("RATE_LIMITED mode needs maxRateHz > 0: " + maxRateHz);
            }
            if (maxRateHz < 0 || maxRateHz > 0xFFFF_FFFFL)
            {
                throw new IllegalArgumentException("maxRateHz must be a u32: " + maxRateHz);
            }
            checkRequest("descriptor", requestedDescriptorChannel, requestedDescriptorStreamId);
            checkRequest("control", requestedControlChannel, requestedControlStreamId);
            if (maxOutstandingSeqGap <= 0)
            {
                throw new IllegalArgumentException("maxOutstandingSeqGap must be positive: " + maxOutstandingSeqGap);
            }
            if (fragmentLimit <= 0)
            {
                throw new IllegalArgumentException("fragmentLimit must be positive: " + fragmentLimit);
            }
            if (maxMetaBlobLength < 0)
            {
                throw new IllegalArgumentException("maxMetaBlobLength must not be negative: " + maxMetaBlobLength);
            }
            checkPositive("announceFreshnessWindowNs", announceFreshnessWindowNs);
            checkPositive("helloPeriodNs", helloPeriodNs);
            checkPositive("qosPeriodNs", qosPeriodNs());
            if (allowedBaseDirs.isEmpty())
            {
                throw new IllegalArgumentException("allowedBaseDirs must name at least one directory");
            }
            for (final Path dir : allowedBaseDirs)
            {
                if (!dir.isAbsolute())
                {
                    throw new IllegalArgumentException("allowedBaseDirs entries must be absolute: " + dir);
                }
            }
        }

        private static void checkRequest(final String what, final String channel, final int id)
        {
            if (channel.isEmpty() != (id == 0))
            {
                throw new IllegalArgumentException("per-consumer " + what + " request needs both a channel and a " +
                    "non-zero stream id (Wire §10.1.2): channel '" + channel + "', stream id " +
                    Integer.toUnsignedString(id));
            }
        }

        /** Consumer id; default random non-zero (Wire §10.1.2). */
        public Context consumerId(final int consumerId)
        {
            this.consumerId = consumerId;
            return this;
        }

        public int consumerId()
        {
            return consumerId;
        }

        public Context mode(final ConsumerMode mode)
        {
            this.mode = mode;
            return this;
        }

        public ConsumerMode mode()
        {
            return mode;
        }

        /** Descriptor rate cap for RATE_LIMITED (Wire §10.1.2 {@code max_rate_hz}); 0 = unlimited. */
        public Context maxRateHz(final long hz)
        {
            this.maxRateHz = hz;
            return this;
        }

        public long maxRateHz()
        {
            return maxRateHz;
        }

        /** Opt in to FrameProgress hints (Wire §10.2.2); they go to {@link #progressHandler(ProgressHandler)}. */
        public Context supportsProgress(final boolean supports)
        {
            this.supportsProgress = supports;
            return this;
        }

        public boolean supportsProgress()
        {
            return supportsProgress;
        }

        /** Progress interval hint in µs; -1 (default) = not provided. */
        public Context progressIntervalUs(final long us)
        {
            this.progressIntervalUs = us;
            return this;
        }

        public long progressIntervalUs()
        {
            return progressIntervalUs;
        }

        /** Progress byte-delta hint; -1 (default) = not provided. */
        public Context progressBytesDelta(final long bytes)
        {
            this.progressBytesDelta = bytes;
            return this;
        }

        public long progressBytesDelta()
        {
            return progressBytesDelta;
        }

        /**
         * Prove for every frame, before and after the handler reads it, that no mapped region file was truncated
         * (one fstat per region each time). Default false: once per poll batch, which leaves the frames of one batch
         * exposed to a truncation that happens while it runs (docs/hardening.md). Turn on where other processes may
         * truncate region files.
         */
        public Context regionBackingCheckPerFrame(final boolean perFrame)
        {
            this.regionBackingCheckPerFrame = perFrame;
            return this;
        }

        public boolean regionBackingCheckPerFrame()
        {
            return regionBackingCheckPerFrame;
        }

        /** Told when a {@code ConsumerConfig} moves this consumer to FALLBACK and back (Wire §15.12). */
        public Context fallbackListener(final FallbackListener listener)
        {
            this.fallbackListener = listener;
            return this;
        }

        public FallbackListener fallbackListener()
        {
            return fallbackListener;
        }

        /** Receives complete, verified meta blobs (Wire §10.3.3); without one, blobs are still checked and counted. */
        public Context metaBlobHandler(final MetaBlobHandler handler)
        {
            this.metaBlobHandler = handler;
            return this;
        }

        public MetaBlobHandler metaBlobHandler()
        {
            return metaBlobHandler;
        }

        /** Largest meta blob accepted (its buffer is allocated at announce time); default 16 MiB. */
        public Context maxMetaBlobLength(final int bytes)
        {
            this.maxMetaBlobLength = bytes;
            return this;
        }

        public int maxMetaBlobLength()
        {
            return maxMetaBlobLength;
        }

        /**
         * Check each meta blob's bytes against its checksum as CRC-32C (default true). Turn off for producers that
         * fill the checksum field with another algorithm; gap, overlap and length checks stay on.
         */
        public Context verifyMetaBlobChecksum(final boolean verify)
        {
            this.verifyMetaBlobChecksum = verify;
            return this;
        }

        public boolean verifyMetaBlobChecksum()
        {
            return verifyMetaBlobChecksum;
        }

        public Context progressHandler(final ProgressHandler handler)
        {
            this.progressHandler = handler;
            return this;
        }

        public ProgressHandler progressHandler()
        {
            return progressHandler;
        }

        /** Handler used by {@link TensorPoolConsumer#doWork()} when run as an agent. */
        public Context frameHandler(final FrameHandler handler)
        {
            this.frameHandler = handler;
            return this;
        }

        public FrameHandler frameHandler()
        {
            return frameHandler;
        }

        /** Frames per {@link TensorPoolConsumer#doWork()}; default 64. */
        public Context fragmentLimit(final int limit)
        {
            this.fragmentLimit = limit;
            return this;
        }

        public int fragmentLimit()
        {
            return fragmentLimit;
        }

        /** Request a per-consumer descriptor stream (Wire §5); both values or neither. */
        public Context requestDescriptorStream(final String channel, final int streamId)
        {
            this.requestedDescriptorChannel = channel == null ? "" : channel;
            this.requestedDescriptorStreamId = streamId;
            return this;
        }

        public String requestedDescriptorChannel()
        {
            return requestedDescriptorChannel;
        }

        public int requestedDescriptorStreamId()
        {
            return requestedDescriptorStreamId;
        }

        /** Request a per-consumer control stream for FrameProgress (Wire §5); both values or neither. */
        public Context requestControlStream(final String channel, final int streamId)
        {
            this.requestedControlChannel = channel == null ? "" : channel;
            this.requestedControlStreamId = streamId;
            return this;
        }

        public String requestedControlChannel()
        {
            return requestedControlChannel;
        }

        public int requestedControlStreamId()
        {
            return requestedControlStreamId;
        }

        /** Directories announced regions may live in (Wire §15.21a.5); default {@code /dev/shm/tensorpool}. */
        public Context allowedBaseDirs(final List<Path> dirs)
        {
            this.allowedBaseDirs = new ArrayList<>(dirs);
            return this;
        }

        public List<Path> allowedBaseDirs()
        {
            return allowedBaseDirs;
        }

        /** Resync when this far behind (Wire §15.4); default 256. */
        public Context maxOutstandingSeqGap(final int gap)
        {
            this.maxOutstandingSeqGap = gap;
            return this;
        }

        public int maxOutstandingSeqGap()
        {
            return maxOutstandingSeqGap;
        }

        /** Announces and activity older than this are stale (Wire §10.1.1, §15.1); default 3 s. */
        public Context announceFreshnessWindowNs(final long ns)
        {
            this.announceFreshnessWindowNs = ns;
            return this;
        }

        public long announceFreshnessWindowNs()
        {
            return announceFreshnessWindowNs;
        }

        public Context startPosition(final StartPosition position)
        {
            this.startPosition = position;
            return this;
        }

        public StartPosition startPosition()
        {
            return startPosition;
        }

        /** ConsumerHello period and liveness check period; default 1 s. */
        public Context helloPeriodNs(final long ns)
        {
            this.helloPeriodNs = ns;
            return this;
        }

        public long helloPeriodNs()
        {
            return helloPeriodNs;
        }

        /** Realtime source for REALTIME_SYNCED announces. */
        public Context epochNanoClock(final EpochNanoClock clock)
        {
            this.epochNanoClock = clock;
            return this;
        }

        public EpochNanoClock epochNanoClock()
        {
            return epochNanoClock;
        }
    }
}
