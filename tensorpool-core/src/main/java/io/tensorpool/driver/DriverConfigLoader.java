package io.tensorpool.driver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import io.tensorpool.shm.MappedRegion;
import io.tensorpool.shm.ShmValidationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Loads a driver configuration from TOML with the canonical keys and defaults of Driver §17, applies environment
 * overrides (key upper-cased, '.' replaced by '_': {@code driver.control_stream_id} -> {@code DRIVER_CONTROL_STREAM_ID};
 * profile and stream fields as {@code PROFILES_<NAME>_HEADER_NSLOTS}, {@code STREAMS_<NAME>_STREAM_ID}), and
 * validates: every error names the key and the value. Unknown keys are logged as warnings (other implementations may
 * add their own keys).
 */
public final class DriverConfigLoader
{
    private static final Logger LOG = LoggerFactory.getLogger(DriverConfigLoader.class);

    private static final Set<String> DRIVER_KEYS = Set.of("instance_id", "aeron_dir", "control_channel",
        "control_stream_id", "announce_channel", "announce_stream_id", "qos_channel", "qos_stream_id",
        "stream_id_range", "descriptor_stream_id_range", "control_stream_id_range", "media_driver",
        "embedded_discovery", "metadata_channel", "metadata_stream_id");
    private static final Set<String> SHM_KEYS = Set.of("base_dir", "namespace", "require_hugepages",
        "page_size_bytes", "permissions_mode", "allowed_base_dirs");
    private static final Set<String> POLICY_KEYS = Set.of("allow_dynamic_streams", "default_profile",
        "announce_period_ms", "lease_keepalive_interval_ms", "lease_expiry_grace_intervals", "prefault_shm",
        "mlock_shm", "epoch_gc_enabled", "epoch_gc_keep", "epoch_gc_min_age_ns", "epoch_gc_on_startup",
        "shutdown_timeout_ms", "shutdown_token");
    private static final Set<String> TOP_LEVEL = Set.of("driver", "shm", "policies", "profiles", "streams");

    /** How the standalone driver gets its Aeron media driver ({@code driver.media_driver}). */
    public enum MediaDriverMode
    {
        /** Connect if a media driver is active in the Aeron directory, else launch one embedded. */
        AUTO,
        /** Always launch an embedded media driver. */
        EMBEDDED,
        /** Always connect to a running media driver. */
        EXTERNAL
    }

    private final JsonNode root;
    private final Map<String, String> env;

    private DriverConfigLoader(final JsonNode root, final Map<String, String> env)
    {
        this.root = root;
        this.env = env;
    }

    /**
     * Read {@code file} and apply the process environment.
     *
     * @throws DriverConfigException naming the file, key and value on any problem.
     */
    public static ShmDriver.Context load(final Path file)
    {
        return load(file, System.getenv());
    }

    /** Read {@code file} (TOML) with the given environment overrides. */
    public static ShmDriver.Context load(final Path file, final Map<String, String> env)
    {
        final JsonNode root;
        try
        {
            root = new TomlMapper().readTree(file.toFile());
        }
        catch (final IOException ex)
        {
            throw new DriverConfigException("cannot read driver config " + file + ": " + ex.getMessage(), ex);
        }
        return new DriverConfigLoader(root, env).toContext(true);
    }

    /** Parse TOML text (for tests and embedded use) with the given environment overrides. */
    public static ShmDriver.Context parse(final String toml, final Map<String, String> env)
    {
        final JsonNode root;
        try
        {
            root = new TomlMapper().readTree(toml);
        }
        catch (final IOException ex)
        {
            throw new DriverConfigException("cannot parse driver config: " + ex.getMessage(), ex);
        }
        return new DriverConfigLoader(root, env).toContext(true);
    }

    /**
     * The zero-configuration context (no file): dynamic streams in 10000-19999, the default profile, environment
     * overrides still applied.
     */
    public static ShmDriver.Context defaults(final Map<String, String> env)
    {
        return new DriverConfigLoader(new TomlMapper().createObjectNode(), env).toContext(false);
    }

    /** {@code driver.media_driver} from a file (or the environment), default AUTO. */
    public static MediaDriverMode mediaDriverMode(final Path file, final Map<String, String> env)
    {
        JsonNode root = new TomlMapper().createObjectNode();
        if (file != null)
        {
            try
            {
                root = new TomlMapper().readTree(file.toFile());
            }
            catch (final IOException ex)
            {
                throw new DriverConfigException("cannot read driver config " + file + ": " + ex.getMessage(), ex);
            }
        }
        final String mode = new DriverConfigLoader(root, env).string("driver.media_driver", "auto");
        try
        {
            return MediaDriverMode.valueOf(mode.toUpperCase(Locale.ROOT));
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DriverConfigException("driver.media_driver = '" + mode +
                "' must be one of auto, embedded, external");
        }
    }

    private ShmDriver.Context toContext(final boolean fromFile)
    {
        warnUnknownKeys();
        final ShmDriver.Context ctx = new ShmDriver.Context();
        ctx.instanceId(string("driver.instance_id", ShmDriverConfiguration.INSTANCE_ID_DEFAULT));
        ctx.aeronDirectoryName(string("driver.aeron_dir", null));
        ctx.controlChannel(string("driver.control_channel", ShmDriverConfiguration.CONTROL_CHANNEL_DEFAULT));
        ctx.controlStreamId((int)integer("driver.control_stream_id",
            ShmDriverConfiguration.CONTROL_STREAM_ID_DEFAULT, 0, 0x7FFF_FFFFL));
        ctx.announceChannel(string("driver.announce_channel", ctx.controlChannel()));
        ctx.announceStreamId((int)integer("driver.announce_stream_id", ctx.controlStreamId(), 0, 0x7FFF_FFFFL));
        ctx.qosChannel(string("driver.qos_channel", ShmDriverConfiguration.QOS_CHANNEL_DEFAULT));
        ctx.qosStreamId((int)integer("driver.qos_stream_id", ShmDriverConfiguration.QOS_STREAM_ID_DEFAULT, 0,
            0x7FFF_FFFFL));
        final IdRange zeroConfigRange = fromFile ? IdRange.EMPTY : ShmDriverConfiguration.DYNAMIC_STREAM_ID_RANGE_DEFAULT;
        ctx.streamIdRange(range("driver.stream_id_range", zeroConfigRange));
        ctx.descriptorStreamIdRange(range("driver.descriptor_stream_id_range", IdRange.EMPTY));
        ctx.controlStreamIdRange(range("driver.control_stream_id_range", IdRange.EMPTY));
        ctx.embeddedDiscovery(bool("driver.embedded_discovery", true));
        ctx.metadataChannel(string("driver.metadata_channel", ctx.metadataChannel()));
        ctx.metadataStreamId((int)integer("driver.metadata_stream_id", ctx.metadataStreamId(), 0, 0x7FFF_FFFFL));

        final Path baseDir = path("shm.base_dir", ShmDriverConfiguration.defaultShmBaseDir());
        ctx.shmBaseDir(baseDir);
        ctx.namespace(string("shm.namespace", ShmDriverConfiguration.NAMESPACE_DEFAULT));
        ctx.requireHugepages(bool("shm.require_hugepages", false));
        ctx.pageSizeBytes((int)integer("shm.page_size_bytes", ShmDriverConfiguration.PAGE_SIZE_BYTES_DEFAULT, 1,
            1L << 30));
        final String mode = string("shm.permissions_mode", "600");
        switch (mode)
        {
            case "600":
            case "0600":
                ctx.fileMode(MappedRegion.PRIVATE_FILE_MODE);
                break;
            case "660":
            case "0660":
                ctx.fileMode(MappedRegion.GROUP_FILE_MODE);
                break;
            default:
                throw new DriverConfigException("shm.permissions_mode = '" + mode + "' must be \"600\" or \"660\"");
        }
        final List<String> allowed = strings("shm.allowed_base_dirs");
        if (!allowed.isEmpty())
        {
            final List<Path> dirs = new ArrayList<>();
            for (final String dir : allowed)
            {
                dirs.add(Path.of(dir));
            }
            ctx.allowedBaseDirs(dirs);
        }

        ctx.allowDynamicStreams(bool("policies.allow_dynamic_streams", !fromFile));
        ctx.announcePeriodNs(TimeUnit.MILLISECONDS.toNanos(integer("policies.announce_period_ms", 1000, 1,
            0xFFFF_FFFFL)));
        ctx.keepaliveIntervalNs(TimeUnit.MILLISECONDS.toNanos(integer("policies.lease_keepalive_interval_ms", 1000,
            1, 0xFFFF_FFFFL)));
        ctx.expiryGraceIntervals((int)integer("policies.lease_expiry_grace_intervals", 3, 1, 1_000_000));
        ctx.prefault(bool("policies.prefault_shm", true));
        ctx.mlock(bool("policies.mlock_shm", false));
        ctx.epochGcEnabled(bool("policies.epoch_gc_enabled", true));
        ctx.epochGcKeep((int)integer("policies.epoch_gc_keep", 2, 1, 1_000_000));
        ctx.epochGcMinAgeNs(integer("policies.epoch_gc_min_age_ns", -1, -1, Long.MAX_VALUE));
        ctx.epochGcOnStartup(bool("policies.epoch_gc_on_startup", false));
        ctx.shutdownTimeoutNs(TimeUnit.MILLISECONDS.toNanos(integer("policies.shutdown_timeout_ms", 2000, 0,
            0xFFFF_FFFFL)));
        ctx.shutdownToken(string("policies.shutdown_token", ""));

        loadProfiles(ctx, fromFile);
        final String defaultProfile = string("policies.default_profile", null);
        if (defaultProfile != null)
        {
            ctx.defaultProfile(defaultProfile);
        }
        loadStreams(ctx);
        if (fromFile && ctx.profiles().isEmpty())
        {
            throw new DriverConfigException("profiles: at least one profile must be defined (Driver §17)");
        }
        if (fromFile && !ctx.allowDynamicStreams() && ctx.streams().isEmpty())
        {
            LOG.warn("policies.allow_dynamic_streams = false and no streams are configured: every attach will be " +
                "refused");
        }
        try
        {
            ctx.conclude();
        }
        catch (final IllegalArgumentException | ShmValidationException ex)
        {
            // profile validation reports region-size limits as ShmValidationException; callers expect one type
            throw new DriverConfigException(ex.getMessage(), ex);
        }
        return ctx;
    }

    private void loadProfiles(final ShmDriver.Context ctx, final boolean fromFile)
    {
        final JsonNode profiles = root.path("profiles");
        if (profiles.isMissingNode())
        {
            return;
        }
        if (!profiles.isObject())
        {
            throw new DriverConfigException("profiles must be a table of named profiles, got " + profiles);
        }
        final Iterator<Map.Entry<String, JsonNode>> it = profiles.fields();
        while (it.hasNext())
        {
            final Map.Entry<String, JsonNode> entry = it.next();
            final String name = entry.getKey();
            final String key = "profiles." + name;
            final long nslots = integer(key + ".header_nslots", ShmDriverConfiguration.PROFILE_HEADER_NSLOTS_DEFAULT,
                1, 0xFFFF_FFFFL);
            final JsonNode pools = entry.getValue().path("payload_pools");
            if (!pools.isArray() || pools.isEmpty())
            {
                throw new DriverConfigException(key + ".payload_pools must be an array with at least one pool " +
                    "(Driver §17), got " + (pools.isMissingNode() ? "nothing" : pools.toString()));
            }
            final int[] ids = new int[pools.size()];
            final int[] strides = new int[pools.size()];
            for (int i = 0; i < pools.size(); i++)
            {
                final JsonNode pool = pools.get(i);
                final String poolKey = key + ".payload_pools[" + i + "]";
                ids[i] = (int)number(poolKey + ".pool_id", pool.path("pool_id"), 0, 0xFFFF);
                strides[i] = (int)number(poolKey + ".stride_bytes", pool.path("stride_bytes"), 1, 0xFFFF_FFFFL);
            }
            ctx.profile(new DriverProfile(name, (int)nslots, ids, strides));
        }
    }

    private void loadStreams(final ShmDriver.Context ctx)
    {
        final JsonNode streams = root.path("streams");
        if (streams.isMissingNode())
        {
            return;
        }
        if (!streams.isObject())
        {
            throw new DriverConfigException("streams must be a table of named streams, got " + streams);
        }
        final Iterator<String> names = streams.fieldNames();
        while (names.hasNext())
        {
            final String name = names.next();
            final String key = "streams." + name;
            if (lookup(key + ".stream_id") == null)
            {
                throw new DriverConfigException(key + ".stream_id is required");
            }
            final long id = integer(key + ".stream_id", 0, 0, 0xFFFF_FFFFL);
            final String profile = string(key + ".profile", null);
            if (profile == null)
            {
                throw new DriverConfigException(key + ".profile is required");
            }
            ctx.stream(new StreamDefinition(name, (int)id, profile));
        }
    }

    private void warnUnknownKeys()
    {
        final Iterator<String> top = root.fieldNames();
        while (top.hasNext())
        {
            final String section = top.next();
            if (!TOP_LEVEL.contains(section))
            {
                LOG.warn("unknown driver config section '{}' ignored", section);
            }
        }
        warnUnknown("driver", DRIVER_KEYS);
        warnUnknown("shm", SHM_KEYS);
        warnUnknown("policies", POLICY_KEYS);
    }

    private void warnUnknown(final String section, final Set<String> known)
    {
        final Iterator<String> keys = root.path(section).fieldNames();
        while (keys.hasNext())
        {
            final String key = keys.next();
            if (!known.contains(key))
            {
                LOG.warn("unknown driver config key '{}.{}' ignored", section, key);
            }
        }
    }

    /** Environment value for a dotted key, or null. */
    private String envValue(final String key)
    {
        return env.get(key.toUpperCase(Locale.ROOT).replace('.', '_'));
    }

    /** The TOML node for a dotted key (env not considered), or null. */
    private JsonNode lookup(final String key)
    {
        final String env = envValue(key);
        if (env != null)
        {
            return com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.textNode(env);
        }
        JsonNode node = root;
        for (final String part : key.split("\\."))
        {
            node = node.path(part);
        }
        return node.isMissingNode() || node.isNull() ? null : node;
    }

    private String string(final String key, final String defaultValue)
    {
        final JsonNode node = lookup(key);
        if (node == null)
        {
            return defaultValue;
        }
        if (!node.isValueNode())
        {
            throw new DriverConfigException(key + " = " + node + " must be a string");
        }
        return node.asText();
    }

    private Path path(final String key, final Path defaultValue)
    {
        final String value = string(key, null);
        if (value == null)
        {
            return defaultValue;
        }
        final Path path = Path.of(value);
        if (!path.isAbsolute())
        {
            throw new DriverConfigException(key + " = '" + value + "' must be an absolute path");
        }
        return path;
    }

    private boolean bool(final String key, final boolean defaultValue)
    {
        final JsonNode node = lookup(key);
        if (node == null)
        {
            return defaultValue;
        }
        if (node.isBoolean())
        {
            return node.booleanValue();
        }
        final String text = node.asText().trim().toLowerCase(Locale.ROOT);
        if (text.equals("true") || text.equals("1"))
        {
            return true;
        }
        if (text.equals("false") || text.equals("0"))
        {
            return false;
        }
        throw new DriverConfigException(key + " = '" + node.asText() + "' must be true or false");
    }

    private long integer(final String key, final long defaultValue, final long min, final long max)
    {
        final JsonNode node = lookup(key);
        if (node == null)
        {
            return defaultValue;
        }
        return number(key, node, min, max);
    }

    private static long number(final String key, final JsonNode node, final long min, final long max)
    {
        if (node.isMissingNode())
        {
            throw new DriverConfigException(key + " is required");
        }
        final long value;
        if (node.isIntegralNumber() && node.canConvertToLong())
        {
            value = node.longValue();
        }
        else
        {
            try
            {
                value = Long.parseLong(node.asText().trim());
            }
            catch (final NumberFormatException ex)
            {
                throw new DriverConfigException(key + " = '" + node.asText() + "' must be an integer");
            }
        }
        if (value < min || value > max)
        {
            throw new DriverConfigException(key + " = " + value + " is outside " + min + ".." + max);
        }
        return value;
    }

    private IdRange range(final String key, final IdRange defaultValue)
    {
        final JsonNode node = lookup(key);
        if (node == null)
        {
            return defaultValue;
        }
        try
        {
            if (node.isArray())
            {
                if (node.isEmpty())
                {
                    return IdRange.EMPTY;
                }
                if (node.size() != 2)
                {
                    throw new IllegalArgumentException("an array range needs exactly [start, end]");
                }
                return IdRange.of(number(key + "[0]", node.get(0), 0, 0xFFFF_FFFFL),
                    number(key + "[1]", node.get(1), 0, 0xFFFF_FFFFL));
            }
            return IdRange.parse(node.asText());
        }
        catch (final IllegalArgumentException ex)
        {
            throw new DriverConfigException(key + " = " + node + ": " + ex.getMessage());
        }
    }

    private List<String> strings(final String key)
    {
        final JsonNode node = lookup(key);
        final List<String> values = new ArrayList<>();
        if (node == null)
        {
            return values;
        }
        if (node.isArray())
        {
            for (final JsonNode element : node)
            {
                values.add(element.asText());
            }
        }
        else
        {
            // From the environment: a comma-separated list.
            for (final String part : node.asText().split(","))
            {
                if (!part.isBlank())
                {
                    values.add(part.trim());
                }
            }
        }
        return values;
    }
}
