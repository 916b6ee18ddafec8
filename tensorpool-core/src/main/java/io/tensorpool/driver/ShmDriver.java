package io.tensorpool.driver;

import io.aeron.Aeron;
import io.aeron.FragmentAssembler;
import io.aeron.Publication;
import io.aeron.Subscription;
import io.aeron.driver.MediaDriver;
import io.aeron.driver.ThreadingMode;
import io.tensorpool.client.LoggingAeronClients;
import io.tensorpool.control.DefaultEndpoints;
import io.tensorpool.discovery.DiscoveryProvider;
import io.tensorpool.discovery.DriverFeed;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.RegionSpec;
import io.tensorpool.shm.ShmValidationException;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The SHM Driver of the Driver Model v1.0: owns every region file, hands out leases over the control stream, enforces
 * one producer per stream, bumps epochs and emits {@code ShmPoolAnnounce} on behalf of each stream.
 * <p>
 * An Agrona {@link Agent}: run it on an {@code AgentRunner} ({@link ShmDriverLauncher} does that) or call
 * {@link #doWork()} from a caller's loop. All state is confined to the duty-cycle thread. {@link #close()} (or the
 * runner's close, which calls {@link #onClose()}) publishes {@code ShmDriverShutdown} and unmaps every region; region
 * files stay on disk so a restarted driver continues with higher epochs (Driver §10).
 */
public final class ShmDriver implements Agent, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(ShmDriver.class);
    private static final int FRAGMENT_LIMIT = 32;

    private final Context ctx;
    private final MediaDriver embeddedMediaDriver;
    private final Aeron aeron;
    /** Names this driver in the failure once its Aeron client is closed (built once, not per duty cycle). */
    private final String agentName;
    private final boolean ownsAeron;
    private final Subscription controlSubscription;
    private final Publication controlPublication;
    private final Publication announcePublication;
    private final FragmentAssembler assembler;
    private final DriverConductor conductor;
    private final DiscoveryProvider discovery;
    private boolean closed;

    /**
     * Conclude the context, connect to (or launch) Aeron and open the control, announce and request streams.
     *
     * @throws IllegalArgumentException naming the setting if the configuration is invalid.
     */
    public ShmDriver(final Context ctx)
    {
        this.ctx = ctx.conclude();
        MediaDriver mediaDriver = null;
        Aeron client = null;
        Subscription subscription = null;
        Publication control = null;
        Publication announce = null;
        try
        {
            if (ctx.aeron() != null)
            {
                client = ctx.aeron();
                ownsAeron = false;
            }
            else
            {
                if (ctx.launchEmbeddedMediaDriver())
                {
                    final MediaDriver.Context mdCtx = new MediaDriver.Context()
                        .threadingMode(ThreadingMode.SHARED)
                        .dirDeleteOnStart(true)
                        .dirDeleteOnShutdown(true);
                    if (ctx.aeronDirectoryName() != null)
                    {
                        mdCtx.aeronDirectoryName(ctx.aeronDirectoryName());
                    }
                    mediaDriver = MediaDriver.launchEmbedded(mdCtx);
                }
                client = LoggingAeronClients.connect(mediaDriver != null ? mediaDriver.aeronDirectoryName() :
                    ctx.aeronDirectoryName(), "SHM driver " + ctx.instanceId());
                ownsAeron = true;
            }
            subscription = client.addSubscription(ctx.controlChannel(), ctx.controlStreamId());
            control = client.addExclusivePublication(ctx.controlChannel(), ctx.controlStreamId());
            announce = ctx.announceChannel().equals(ctx.controlChannel()) &&
                ctx.announceStreamId() == ctx.controlStreamId() ?
                control : client.addExclusivePublication(ctx.announceChannel(), ctx.announceStreamId());
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietCloseAll(announce, control, subscription);
            if (ctx.aeron() == null)
            {
                CloseHelper.quietCloseAll(client, mediaDriver);
            }
            throw ex;
        }
        this.embeddedMediaDriver = mediaDriver;
        this.aeron = client;
        this.agentName = "SHM driver " + this.ctx.instanceId();
        this.controlSubscription = subscription;
        this.controlPublication = control;
        this.announcePublication = announce;
        this.conductor = new DriverConductor(this.ctx, new DriverPublisher(control, announce));
        this.assembler = new FragmentAssembler(conductor);
        DiscoveryProvider provider = null;
        if (this.ctx.embeddedDiscovery())
        {
            // Discovery §13: an embedded provider answers on the driver's control endpoint, one feed for this driver.
            try
            {
                provider = new DiscoveryProvider(new DiscoveryProvider.Context()
                    .aeron(client)
                    .requestChannel(this.ctx.controlChannel())
                    .requestStreamId(this.ctx.controlStreamId())
                    .announcePeriodNs(this.ctx.announcePeriodNs())
                    .nanoClock(this.ctx.nanoClock())
                    .roleName("tensorpool-discovery-" + this.ctx.instanceId())
                    .addFeed(new DriverFeed(this.ctx.instanceId(), this.ctx.controlChannel(),
                        this.ctx.controlStreamId(), this.ctx.announceChannel(), this.ctx.announceStreamId(),
                        this.ctx.metadataChannel(), this.ctx.metadataStreamId())));
            }
            catch (final RuntimeException ex)
            {
                CloseHelper.quietCloseAll(announce == control ? null : announce, control, subscription);
                if (ownsAeron)
                {
                    CloseHelper.quietCloseAll(client, mediaDriver);
                }
                throw ex;
            }
        }
        this.discovery = provider;
        LOG.info("SHM driver started instance={} control={}:{} announce={}:{} base={} dynamic={} range={}",
            this.ctx.instanceId(), this.ctx.controlChannel(), this.ctx.controlStreamId(), this.ctx.announceChannel(),
            this.ctx.announceStreamId(), this.ctx.shmBaseDir(), this.ctx.allowDynamicStreams(),
            this.ctx.streamIdRange());
    }

    /** The concluded context. */
    public Context context()
    {
        return ctx;
    }

    /** The Aeron client in use (owned or external). */
    public Aeron aeron()
    {
        return aeron;
    }

    /** Aeron directory of the embedded media driver, or null when none was launched. */
    public String embeddedAeronDirectoryName()
    {
        return embeddedMediaDriver == null ? null : embeddedMediaDriver.aeronDirectoryName();
    }

    @Override
    public void onStart()
    {
        conductor.onStart(ctx.nanoClock().nanoTime());
    }

    /**
     * One duty cycle: poll requests, expire leases, announce and refresh activity when due, run epoch GC, advance a
     * requested shutdown.
     *
     * @return the amount of work done, 0 when idle.
     */
    @Override
    public int doWork()
    {
        if (closed || conductor.isTerminated())
        {
            return 0;
        }
        LoggingAeronClients.requireOpen(aeron, agentName);
        int work = controlSubscription.poll(assembler, FRAGMENT_LIMIT);
        work += conductor.onTimers(ctx.nanoClock().nanoTime());
        if (discovery != null)
        {
            work += discovery.doWork();
        }
        return work;
    }

    @Override
    public String roleName()
    {
        return "tensorpool-shm-driver-" + ctx.instanceId();
    }

    /** Publishes {@code ShmDriverShutdown(NORMAL)} unless already sent, unmaps regions, releases Aeron resources. */
    @Override
    public void onClose()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        try
        {
            conductor.shutdown(ctx.nanoClock().nanoTime());
        }
        finally
        {
            CloseHelper.quietClose(discovery);
            if (ownsAeron)
            {
                CloseHelper.closeAll(aeron, embeddedMediaDriver);
            }
            else
            {
                CloseHelper.closeAll(announcePublication == controlPublication ? null : announcePublication,
                    controlPublication, controlSubscription);
            }
            LOG.info("SHM driver closed instance={}", ctx.instanceId());
        }
    }

    /** Same as {@link #onClose()}; for a driver driven by the caller's own loop. */
    @Override
    public void close()
    {
        onClose();
    }

    /** True once a token-checked shutdown request has completed (the termination hook has run). */
    public boolean isTerminated()
    {
        return conductor.isTerminated();
    }

    /** Counters for monitoring and tests; read on the duty-cycle thread or after close. */
    public DriverCounters counters()
    {
        return conductor.counters();
    }

    /** The embedded discovery provider (Discovery §13), or null when disabled. */
    public DiscoveryProvider discoveryProvider()
    {
        return discovery;
    }

    /** Current epoch of a stream, or -1 if the stream has no regions yet. For diagnostics and tests. */
    public long currentEpoch(final int streamId)
    {
        return conductor.currentEpoch(streamId);
    }

    /** Number of active leases. */
    public int activeLeaseCount()
    {
        return conductor.activeLeaseCount();
    }

    /**
     * Everything the driver needs, with fluent accessors and a {@link #conclude()} that validates once. Defaults are
     * the zero-configuration ones (docs/driver.md): dynamic streams allowed in 10000-19999, one "default" profile
     * with 64 header slots and 64 KiB / 1 MiB / 4 MiB pools, base dir {@code /dev/shm/tensorpool-<user>}.
     */
    public static final class Context extends DriverEndpointContext<Context>
    {
        private static final Pattern PATH_ELEMENT = Pattern.compile("[A-Za-z0-9._-]{1,128}");

        private boolean concluded;
        private boolean launchEmbeddedMediaDriver;
        private String qosChannel = ShmDriverConfiguration.QOS_CHANNEL_DEFAULT;
        private int qosStreamId = ShmDriverConfiguration.QOS_STREAM_ID_DEFAULT;
        private String instanceId = ShmDriverConfiguration.INSTANCE_ID_DEFAULT;
        private String namespace = ShmDriverConfiguration.NAMESPACE_DEFAULT;
        private Path shmBaseDir;
        private List<Path> allowedBaseDirs;
        private Set<PosixFilePermission> fileMode = MappedRegion.PRIVATE_FILE_MODE;
        private boolean requireHugepages;
        private int pageSizeBytes = ShmDriverConfiguration.PAGE_SIZE_BYTES_DEFAULT;
        private final Map<String, DriverProfile> profiles = new LinkedHashMap<>();
        private String defaultProfile;
        private final List<StreamDefinition> streams = new ArrayList<>();
        private boolean allowDynamicStreams = true;
        private IdRange streamIdRange = ShmDriverConfiguration.DYNAMIC_STREAM_ID_RANGE_DEFAULT;
        private IdRange descriptorStreamIdRange = IdRange.EMPTY;
        private IdRange controlStreamIdRange = IdRange.EMPTY;
        private long announcePeriodNs = ShmDriverConfiguration.ANNOUNCE_PERIOD_NS_DEFAULT;
        private long keepaliveIntervalNs = ShmDriverConfiguration.KEEPALIVE_INTERVAL_NS_DEFAULT;
        private int expiryGraceIntervals = ShmDriverConfiguration.EXPIRY_GRACE_INTERVALS_DEFAULT;
        private boolean prefault = true;
        private boolean mlock;
        private boolean epochGcEnabled = true;
        private int epochGcKeep = ShmDriverConfiguration.EPOCH_GC_KEEP_DEFAULT;
        private long epochGcMinAgeNs = -1;
        private boolean epochGcOnStartup;
        private long shutdownTimeoutNs = ShmDriverConfiguration.SHUTDOWN_TIMEOUT_NS_DEFAULT;
        private String shutdownToken = "";
        private boolean embeddedDiscovery = true;
        private String metadataChannel = DefaultEndpoints.METADATA_CHANNEL;
        private int metadataStreamId = DefaultEndpoints.METADATA_STREAM_ID;
        private Runnable terminationHook = () -> {};

        /** A context with the default control endpoint ({@link ShmDriverConfiguration}). */
        public Context()
        {
            super(ShmDriverConfiguration.CONTROL_CHANNEL_DEFAULT, ShmDriverConfiguration.CONTROL_STREAM_ID_DEFAULT);
        }

        /**
         * Validate and fill defaults; idempotent.
         *
         * @return this.
         * @throws IllegalArgumentException naming the setting and value that is invalid.
         */
        public Context conclude()
        {
            if (concluded)
            {
                return this;
            }
            requireElement("driver.instance_id", instanceId);
            requireElement("namespace", namespace);
            if (".".equals(namespace) || "..".equals(namespace))
            {
                // RegionPaths refuses it when the first stream is created; say so at startup instead
                throw new IllegalArgumentException("namespace = '" + namespace +
                    "' must name a directory below shm.base_dir, not '.' or '..'");
            }
            requireNonEmpty("driver.control_channel", controlChannel());
            requireNonEmpty("driver.qos_channel", qosChannel);
            defaultAnnounceEndpoint();
            if (shmBaseDir == null)
            {
                shmBaseDir = ShmDriverConfiguration.defaultShmBaseDir();
            }
            if (!shmBaseDir.isAbsolute())
            {
                throw new IllegalArgumentException("shm.base_dir must be an absolute path: '" + shmBaseDir + "'");
            }
            shmBaseDir = shmBaseDir.normalize();
            if (allowedBaseDirs == null || allowedBaseDirs.isEmpty())
            {
                allowedBaseDirs = List.of(shmBaseDir);
            }
            boolean contained = false;
            for (final Path dir : allowedBaseDirs)
            {
                if (!dir.isAbsolute())
                {
                    throw new IllegalArgumentException("shm.allowed_base_dirs entry must be absolute: '" + dir + "'");
                }
                contained |= shmBaseDir.startsWith(dir.normalize());
            }
            if (!contained)
            {
                throw new IllegalArgumentException("shm.base_dir '" + shmBaseDir +
                    "' is not inside any of shm.allowed_base_dirs " + allowedBaseDirs);
            }
            if (!fileMode.equals(MappedRegion.PRIVATE_FILE_MODE) && !fileMode.equals(MappedRegion.GROUP_FILE_MODE))
            {
                throw new IllegalArgumentException("shm.permissions_mode must be 600 or 660, got " + fileMode);
            }
            if (pageSizeBytes <= 0 || Integer.bitCount(pageSizeBytes) != 1)
            {
                throw new IllegalArgumentException("shm.page_size_bytes must be a power of two, got " + pageSizeBytes);
            }
            if (profiles.isEmpty())
            {
                profile(ShmDriverConfiguration.defaultProfile());
            }
            for (final DriverProfile profile : profiles.values())
            {
                validateProfile(profile);
            }
            if (defaultProfile == null)
            {
                defaultProfile = profiles.keySet().iterator().next();
            }
            if (!profiles.containsKey(defaultProfile))
            {
                throw new IllegalArgumentException("policies.default_profile '" + defaultProfile +
                    "' is not a defined profile " + profiles.keySet());
            }
            if (profiles.get(defaultProfile).poolCount() == 0)
            {
                throw new IllegalArgumentException("policies.default_profile '" + defaultProfile +
                    "' has no payload pools");
            }
            validateStreams();
            validateRanges();
            if (announcePeriodNs <= 0)
            {
                throw new IllegalArgumentException("policies.announce_period_ms must be > 0, got ns=" +
                    announcePeriodNs);
            }
            if (keepaliveIntervalNs <= 0)
            {
                throw new IllegalArgumentException("policies.lease_keepalive_interval_ms must be > 0, got ns=" +
                    keepaliveIntervalNs);
            }
            if (expiryGraceIntervals < 1)
            {
                throw new IllegalArgumentException("policies.lease_expiry_grace_intervals must be >= 1, got " +
                    expiryGraceIntervals);
            }
            if (epochGcKeep < 1)
            {
                throw new IllegalArgumentException("policies.epoch_gc_keep must be >= 1, got " + epochGcKeep);
            }
            if (epochGcMinAgeNs < 0)
            {
                epochGcMinAgeNs = 3 * announcePeriodNs;
            }
            if (shutdownTimeoutNs < 0)
            {
                throw new IllegalArgumentException("policies.shutdown_timeout_ms must be >= 0, got ns=" +
                    shutdownTimeoutNs);
            }
            if (mlock)
            {
                LOG.warn("policies.mlock_shm=true is not supported on the JVM without native code; treated as no-op");
            }
            Objects.requireNonNull(nanoClock(), "nanoClock");
            Objects.requireNonNull(terminationHook, "terminationHook");
            concluded = true;
            return this;
        }

        private void validateProfile(final DriverProfile profile)
        {
            final String key = "profiles." + profile.name();
            try
            {
                RegionSpec.checkNslots(profile.headerNslots() & 0xFFFF_FFFFL);
            }
            catch (final ShmValidationException ex)
            {
                throw new IllegalArgumentException(key + ".header_nslots = " +
                    Integer.toUnsignedString(profile.headerNslots()) + ": " + ex.getMessage());
            }
            final int[] ids = profile.poolIds();
            final int[] strides = profile.strideBytes();
            final Set<Integer> seen = new HashSet<>();
            for (int i = 0; i < ids.length; i++)
            {
                if (ids[i] < 0 || ids[i] > 0xFFFF)
                {
                    throw new IllegalArgumentException(key + ".payload_pools[" + i + "].pool_id = " + ids[i] +
                        " is not a u16");
                }
                if (!seen.add(ids[i]))
                {
                    throw new IllegalArgumentException(key + ".payload_pools[" + i + "].pool_id = " + ids[i] +
                        " is duplicated");
                }
                try
                {
                    RegionSpec.checkStride(strides[i] & 0xFFFF_FFFFL, pageSizeBytes);
                }
                catch (final ShmValidationException ex)
                {
                    throw new IllegalArgumentException(key + ".payload_pools[" + i + "].stride_bytes = " +
                        Integer.toUnsignedString(strides[i]) + ": " + ex.getMessage());
                }
                final long fileSize = RegionSpec.payloadPool(1, 1, ids[i], profile.headerNslots(), strides[i])
                    .fileSize();
                if (fileSize > Integer.MAX_VALUE)
                {
                    throw new IllegalArgumentException(key + ".payload_pools[" + i + "]: header_nslots x " +
                        "stride_bytes = " + fileSize + " bytes exceeds the mappable maximum " + Integer.MAX_VALUE);
                }
            }
            if (ids.length == 0)
            {
                LOG.warn("{} has no payload pools; attach requests for its streams are answered INVALID_PARAMS", key);
            }
        }

        private void validateStreams()
        {
            final Map<Integer, String> ids = new HashMap<>();
            for (final StreamDefinition stream : streams)
            {
                final String key = "streams." + stream.name();
                if (!profiles.containsKey(stream.profile()))
                {
                    throw new IllegalArgumentException(key + ".profile = '" + stream.profile() +
                        "' is not a defined profile " + profiles.keySet());
                }
                final String previous = ids.put(stream.streamId(), stream.name());
                if (previous != null)
                {
                    throw new IllegalArgumentException(key + ".stream_id = " +
                        Integer.toUnsignedString(stream.streamId()) + " is also used by streams." + previous);
                }
            }
        }

        private void validateRanges()
        {
            if (allowDynamicStreams && streamIdRange.isEmpty())
            {
                throw new IllegalArgumentException(
                    "policies.allow_dynamic_streams = true needs a non-empty driver.stream_id_range (Driver §11)");
            }
            checkNoOverlap("driver.stream_id_range", streamIdRange, "driver.descriptor_stream_id_range",
                descriptorStreamIdRange);
            checkNoOverlap("driver.stream_id_range", streamIdRange, "driver.control_stream_id_range",
                controlStreamIdRange);
            checkNoOverlap("driver.descriptor_stream_id_range", descriptorStreamIdRange,
                "driver.control_stream_id_range", controlStreamIdRange);
            final String[] rangeNames =
                {"driver.stream_id_range", "driver.descriptor_stream_id_range", "driver.control_stream_id_range"};
            final IdRange[] ranges = {streamIdRange, descriptorStreamIdRange, controlStreamIdRange};
            for (int i = 0; i < ranges.length; i++)
            {
                checkNotIn(rangeNames[i], ranges[i], "driver.control_stream_id", controlStreamId());
                checkNotIn(rangeNames[i], ranges[i], "driver.announce_stream_id", announceStreamId());
                checkNotIn(rangeNames[i], ranges[i], "driver.qos_stream_id", qosStreamId);
                for (final StreamDefinition stream : streams)
                {
                    checkNotIn(rangeNames[i], ranges[i], "streams." + stream.name() + ".stream_id",
                        stream.streamId());
                }
            }
        }

        private static void checkNoOverlap(final String nameA, final IdRange a, final String nameB, final IdRange b)
        {
            if (a.overlaps(b))
            {
                throw new IllegalArgumentException(nameA + " = \"" + a + "\" overlaps " + nameB + " = \"" + b + "\"");
            }
        }

        private static void checkNotIn(final String rangeName, final IdRange range, final String key, final int id)
        {
            if (range.contains(id & 0xFFFF_FFFFL))
            {
                throw new IllegalArgumentException(key + " = " + Integer.toUnsignedString(id) + " lies inside " +
                    rangeName + " = \"" + range + "\"");
            }
        }

        private static void requireElement(final String key, final String value)
        {
            if (value == null || !PATH_ELEMENT.matcher(value).matches())
            {
                throw new IllegalArgumentException(key + " = '" + value +
                    "' must be 1-128 characters of [A-Za-z0-9._-] (it names a directory)");
            }
        }

        private static void requireNonEmpty(final String key, final String value)
        {
            if (value == null || value.isBlank())
            {
                throw new IllegalArgumentException(key + " must not be empty");
            }
        }

        /** Launch an embedded Aeron media driver (shared threading) instead of connecting to a running one. */
        public boolean launchEmbeddedMediaDriver()
        {
            return launchEmbeddedMediaDriver;
        }

        public Context launchEmbeddedMediaDriver(final boolean launchEmbeddedMediaDriver)
        {
            this.launchEmbeddedMediaDriver = launchEmbeddedMediaDriver;
            return this;
        }

        /** {@code driver.qos_channel}; recorded and range-checked, QoS traffic itself is between clients. */
        public String qosChannel()
        {
            return qosChannel;
        }

        public Context qosChannel(final String qosChannel)
        {
            this.qosChannel = qosChannel;
            return this;
        }

        /** {@code driver.qos_stream_id}. */
        public int qosStreamId()
        {
            return qosStreamId;
        }

        public Context qosStreamId(final int qosStreamId)
        {
            this.qosStreamId = qosStreamId;
            return this;
        }

        /** {@code driver.instance_id}: names this driver in logs, discovery and region directories. */
        public String instanceId()
        {
            return instanceId;
        }

        public Context instanceId(final String instanceId)
        {
            this.instanceId = instanceId;
            return this;
        }

        /** {@code shm.namespace}: the {@code <namespace>} directory of Wire §15.21a.3. */
        public String namespace()
        {
            return namespace;
        }

        public Context namespace(final String namespace)
        {
            this.namespace = namespace;
            return this;
        }

        /** {@code shm.base_dir}: root of every region file this driver creates. */
        public Path shmBaseDir()
        {
            return shmBaseDir;
        }

        public Context shmBaseDir(final Path shmBaseDir)
        {
            this.shmBaseDir = shmBaseDir;
            return this;
        }

        /** {@code shm.allowed_base_dirs}; defaults to {@code [shm.base_dir]}. */
        public List<Path> allowedBaseDirs()
        {
            return allowedBaseDirs;
        }

        public Context allowedBaseDirs(final List<Path> allowedBaseDirs)
        {
            this.allowedBaseDirs = List.copyOf(allowedBaseDirs);
            return this;
        }

        /** File mode of region files: {@link MappedRegion#PRIVATE_FILE_MODE} (default) or GROUP_FILE_MODE. */
        public Set<PosixFilePermission> fileMode()
        {
            return fileMode;
        }

        public Context fileMode(final Set<PosixFilePermission> fileMode)
        {
            this.fileMode = Set.copyOf(fileMode);
            return this;
        }

        /** {@code shm.require_hugepages}: regions are hugepage-backed (the base dir must be on hugetlbfs). */
        public boolean requireHugepages()
        {
            return requireHugepages;
        }

        public Context requireHugepages(final boolean requireHugepages)
        {
            this.requireHugepages = requireHugepages;
            return this;
        }

        /** {@code shm.page_size_bytes}: strides must be multiples of it. */
        public int pageSizeBytes()
        {
            return pageSizeBytes;
        }

        public Context pageSizeBytes(final int pageSizeBytes)
        {
            this.pageSizeBytes = pageSizeBytes;
            return this;
        }

        /** Add or replace a profile. */
        public Context profile(final DriverProfile profile)
        {
            profiles.put(profile.name(), profile);
            return this;
        }

        /** Profiles by name, in definition order. */
        public Map<String, DriverProfile> profiles()
        {
            return profiles;
        }

        /** {@code policies.default_profile}; defaults to the first defined profile. */
        public String defaultProfile()
        {
            return defaultProfile;
        }

        public Context defaultProfile(final String defaultProfile)
        {
            this.defaultProfile = defaultProfile;
            return this;
        }

        /** Add a statically configured stream. */
        public Context stream(final StreamDefinition stream)
        {
            streams.add(stream);
            return this;
        }

        public List<StreamDefinition> streams()
        {
            return streams;
        }

        /** {@code policies.allow_dynamic_streams}; true by default in the programmatic/zero-config context. */
        public boolean allowDynamicStreams()
        {
            return allowDynamicStreams;
        }

        public Context allowDynamicStreams(final boolean allowDynamicStreams)
        {
            this.allowDynamicStreams = allowDynamicStreams;
            return this;
        }

        /** {@code driver.stream_id_range}: ids dynamic streams may use. */
        public IdRange streamIdRange()
        {
            return streamIdRange;
        }

        public Context streamIdRange(final IdRange streamIdRange)
        {
            this.streamIdRange = Objects.requireNonNull(streamIdRange);
            return this;
        }

        /** {@code driver.descriptor_stream_id_range}: per-consumer descriptor stream ids (Driver §11). */
        public IdRange descriptorStreamIdRange()
        {
            return descriptorStreamIdRange;
        }

        public Context descriptorStreamIdRange(final IdRange descriptorStreamIdRange)
        {
            this.descriptorStreamIdRange = Objects.requireNonNull(descriptorStreamIdRange);
            return this;
        }

        /** {@code driver.control_stream_id_range}: per-consumer control stream ids (Driver §11). */
        public IdRange controlStreamIdRange()
        {
            return controlStreamIdRange;
        }

        public Context controlStreamIdRange(final IdRange controlStreamIdRange)
        {
            this.controlStreamIdRange = Objects.requireNonNull(controlStreamIdRange);
            return this;
        }

        /** {@code policies.announce_period_ms}, in ns. */
        public long announcePeriodNs()
        {
            return announcePeriodNs;
        }

        public Context announcePeriodNs(final long announcePeriodNs)
        {
            this.announcePeriodNs = announcePeriodNs;
            return this;
        }

        /** {@code policies.lease_keepalive_interval_ms}, in ns. */
        public long keepaliveIntervalNs()
        {
            return keepaliveIntervalNs;
        }

        public Context keepaliveIntervalNs(final long keepaliveIntervalNs)
        {
            this.keepaliveIntervalNs = keepaliveIntervalNs;
            return this;
        }

        /** {@code policies.lease_expiry_grace_intervals}: a lease expires after this many missed keepalives. */
        public int expiryGraceIntervals()
        {
            return expiryGraceIntervals;
        }

        public Context expiryGraceIntervals(final int expiryGraceIntervals)
        {
            this.expiryGraceIntervals = expiryGraceIntervals;
            return this;
        }

        /** Lease lifetime granted by an attach or a keepalive: interval x grace. */
        public long leaseDurationNs()
        {
            return keepaliveIntervalNs * expiryGraceIntervals;
        }

        /** {@code policies.prefault_shm}: touch every page of new regions. */
        public boolean prefault()
        {
            return prefault;
        }

        public Context prefault(final boolean prefault)
        {
            this.prefault = prefault;
            return this;
        }

        /** {@code policies.mlock_shm}: accepted, warned about and ignored on the JVM. */
        public boolean mlock()
        {
            return mlock;
        }

        public Context mlock(final boolean mlock)
        {
            this.mlock = mlock;
            return this;
        }

        /** {@code policies.epoch_gc_enabled}. */
        public boolean epochGcEnabled()
        {
            return epochGcEnabled;
        }

        public Context epochGcEnabled(final boolean epochGcEnabled)
        {
            this.epochGcEnabled = epochGcEnabled;
            return this;
        }

        /** {@code policies.epoch_gc_keep}: epoch directories kept per stream, current included. */
        public int epochGcKeep()
        {
            return epochGcKeep;
        }

        public Context epochGcKeep(final int epochGcKeep)
        {
            this.epochGcKeep = epochGcKeep;
            return this;
        }

        /** {@code policies.epoch_gc_min_age_ns}: a retired epoch is kept at least this long; default 3 x announce. */
        public long epochGcMinAgeNs()
        {
            return epochGcMinAgeNs;
        }

        public Context epochGcMinAgeNs(final long epochGcMinAgeNs)
        {
            this.epochGcMinAgeNs = epochGcMinAgeNs;
            return this;
        }

        /** {@code policies.epoch_gc_on_startup}: remove old epoch directories of this driver at start. */
        public boolean epochGcOnStartup()
        {
            return epochGcOnStartup;
        }

        public Context epochGcOnStartup(final boolean epochGcOnStartup)
        {
            this.epochGcOnStartup = epochGcOnStartup;
            return this;
        }

        /** {@code policies.shutdown_timeout_ms}, in ns: drain period after an accepted shutdown request. */
        public long shutdownTimeoutNs()
        {
            return shutdownTimeoutNs;
        }

        public Context shutdownTimeoutNs(final long shutdownTimeoutNs)
        {
            this.shutdownTimeoutNs = shutdownTimeoutNs;
            return this;
        }

        /** {@code policies.shutdown_token}; empty disables {@code ShmDriverShutdownRequest}. */
        public String shutdownToken()
        {
            return shutdownToken;
        }

        public Context shutdownToken(final String shutdownToken)
        {
            this.shutdownToken = shutdownToken == null ? "" : shutdownToken;
            return this;
        }

        /**
         * Run an embedded discovery provider answering on the control endpoint with one feed describing this driver
         * ({@code driver.embedded_discovery}, default true).
         */
        public boolean embeddedDiscovery()
        {
            return embeddedDiscovery;
        }

        public Context embeddedDiscovery(final boolean embeddedDiscovery)
        {
            this.embeddedDiscovery = embeddedDiscovery;
            return this;
        }

        /** Where producers publish DataSourceAnnounce/Meta, indexed by the embedded discovery provider. */
        public String metadataChannel()
        {
            return metadataChannel;
        }

        public Context metadataChannel(final String metadataChannel)
        {
            this.metadataChannel = metadataChannel;
            return this;
        }

        public int metadataStreamId()
        {
            return metadataStreamId;
        }

        public Context metadataStreamId(final int metadataStreamId)
        {
            this.metadataStreamId = metadataStreamId;
            return this;
        }

        /** Run on the duty-cycle thread when an accepted shutdown request has completed. */
        public Runnable terminationHook()
        {
            return terminationHook;
        }

        public Context terminationHook(final Runnable terminationHook)
        {
            this.terminationHook = terminationHook;
            return this;
        }
    }
}
