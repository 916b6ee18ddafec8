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
import io.tensorpool.codecs.wire.MetaBlobChunkDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;

import static io.tensorpool.control.MessageShape.group;
import static io.tensorpool.control.MessageShape.message;
import static io.tensorpool.control.MessageShape.varData;

/**
 * The {@link MessageShape} of every message with var-length parts in the three schemas (wire 900, driver 901,
 * discovery 910), written from the schema files in {@code schema/}. Every poller checks a message against its shape
 * before a listener sees it. {@code MessageShapesTest} encodes each message with the generated encoders and checks that
 * its shape ends exactly where the encoding does, so a schema change that adds or moves a var-length part fails there.
 */
public final class MessageShapes
{
    // Wire v1.1 (schema 900)

    /** {@code ShmPoolAnnounce}: payloadPools group (each with regionUri), headerRegionUri. */
    public static final MessageShape SHM_POOL_ANNOUNCE = message("ShmPoolAnnounce",
        ShmPoolAnnounceDecoder.BLOCK_LENGTH,
        group(ShmPoolAnnounceDecoder.PayloadPoolsDecoder.sbeBlockLength(), varData()),
        varData());

    /** {@code ConsumerHello}: descriptorChannel, controlChannel. */
    public static final MessageShape CONSUMER_HELLO = message("ConsumerHello",
        ConsumerHelloDecoder.BLOCK_LENGTH, varData(), varData());

    /** {@code ConsumerConfig}: payloadFallbackUri, descriptorChannel, controlChannel. */
    public static final MessageShape CONSUMER_CONFIG = message("ConsumerConfig",
        ConsumerConfigDecoder.BLOCK_LENGTH, varData(), varData(), varData());

    /** {@code DataSourceAnnounce}: name, summary. */
    public static final MessageShape DATA_SOURCE_ANNOUNCE = message("DataSourceAnnounce",
        DataSourceAnnounceDecoder.BLOCK_LENGTH, varData(), varData());

    /** {@code DataSourceMeta}: attributes group (each with key, format, value). */
    public static final MessageShape DATA_SOURCE_META = message("DataSourceMeta",
        DataSourceMetaDecoder.BLOCK_LENGTH,
        group(DataSourceMetaDecoder.AttributesDecoder.sbeBlockLength(), varData(), varData(), varData()));

    /** {@code ControlResponse}: errorMessage. */
    public static final MessageShape CONTROL_RESPONSE = message("ControlResponse",
        ControlResponseDecoder.BLOCK_LENGTH, varData());

    /** {@code MetaBlobChunk}: bytes. */
    public static final MessageShape META_BLOB_CHUNK = message("MetaBlobChunk",
        MetaBlobChunkDecoder.BLOCK_LENGTH, varData());

    // Driver Model v1.0 (schema 901)

    /** {@code ShmAttachResponse}: payloadPools group (each with regionUri), headerRegionUri, errorMessage. */
    public static final MessageShape SHM_ATTACH_RESPONSE = message("ShmAttachResponse",
        ShmAttachResponseDecoder.BLOCK_LENGTH,
        group(ShmAttachResponseDecoder.PayloadPoolsDecoder.sbeBlockLength(), varData()),
        varData(),
        varData());

    /** {@code ShmDetachResponse}: errorMessage. */
    public static final MessageShape SHM_DETACH_RESPONSE = message("ShmDetachResponse",
        ShmDetachResponseDecoder.BLOCK_LENGTH, varData());

    /** {@code ShmDriverShutdown}: errorMessage. */
    public static final MessageShape SHM_DRIVER_SHUTDOWN = message("ShmDriverShutdown",
        ShmDriverShutdownDecoder.BLOCK_LENGTH, varData());

    /** {@code ShmLeaseRevoked}: errorMessage. */
    public static final MessageShape SHM_LEASE_REVOKED = message("ShmLeaseRevoked",
        ShmLeaseRevokedDecoder.BLOCK_LENGTH, varData());

    /** {@code ShmDriverShutdownRequest}: token, errorMessage. */
    public static final MessageShape SHM_DRIVER_SHUTDOWN_REQUEST = message("ShmDriverShutdownRequest",
        ShmDriverShutdownRequestDecoder.BLOCK_LENGTH, varData(), varData());

    // Discovery v1.0 (schema 910)

    /** {@code DiscoveryRequest}: tags group (each one tag), responseChannel, dataSourceName. */
    public static final MessageShape DISCOVERY_REQUEST = message("DiscoveryRequest",
        DiscoveryRequestDecoder.BLOCK_LENGTH,
        group(DiscoveryRequestDecoder.TagsDecoder.sbeBlockLength(), varData()),
        varData(),
        varData());

    /**
     * {@code DiscoveryResponse}: results group (each with a payloadPools group of regionUri, a tags group, then
     * headerRegionUri, dataSourceName, driverInstanceId, driverControlChannel), errorMessage.
     */
    public static final MessageShape DISCOVERY_RESPONSE = message("DiscoveryResponse",
        DiscoveryResponseDecoder.BLOCK_LENGTH,
        group(DiscoveryResponseDecoder.ResultsDecoder.sbeBlockLength(),
            group(DiscoveryResponseDecoder.ResultsDecoder.PayloadPoolsDecoder.sbeBlockLength(), varData()),
            group(DiscoveryResponseDecoder.ResultsDecoder.TagsDecoder.sbeBlockLength(), varData()),
            varData(),
            varData(),
            varData(),
            varData()),
        varData());

    private MessageShapes()
    {
    }
}
