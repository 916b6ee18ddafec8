package io.tensorpool.discovery;

import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import io.tensorpool.codecs.wire.ShmPoolAnnounceDecoder;
import io.tensorpool.control.MessageShapes;
import io.tensorpool.control.SchemaGatedHandler;
import org.agrona.DirectBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Feeds one driver's wire messages (schema 900) into the {@link StreamIndex}: {@code ShmPoolAnnounce},
 * {@code DataSourceAnnounce} and {@code DataSourceMeta}, each only with exactly its v1 block length. Other templates of
 * the schema (the control stream also carries {@code ConsumerHello} and others) are skipped and counted.
 */
final class FeedHandler extends SchemaGatedHandler
{
    private static final Logger LOG = LoggerFactory.getLogger(FeedHandler.class);

    private final StreamIndex index;
    private final DriverStreams driver;
    private long nowNs;

    FeedHandler(final StreamIndex index, final DriverStreams driver)
    {
        super(ShmPoolAnnounceDecoder.SCHEMA_ID, ShmPoolAnnounceDecoder.SCHEMA_VERSION);
        this.index = index;
        this.driver = driver;
    }

    /** Set the receipt time used for the fragments of the next poll. */
    void nowNs(final long nowNs)
    {
        this.nowNs = nowNs;
    }

    @Override
    protected int onMessage(
        final int templateId, final int blockLength, final int version, final DirectBuffer buffer, final int length)
    {
        switch (templateId)
        {
            case ShmPoolAnnounceDecoder.TEMPLATE_ID:
                if (blockLength != ShmPoolAnnounceDecoder.BLOCK_LENGTH || !MessageShapes.SHM_POOL_ANNOUNCE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                index.onShmPoolAnnounce(driver, buffer, blockLength, version, nowNs);
                return HANDLED;

            case DataSourceAnnounceDecoder.TEMPLATE_ID:
                if (blockLength != DataSourceAnnounceDecoder.BLOCK_LENGTH || !MessageShapes.DATA_SOURCE_ANNOUNCE.fits(buffer, length))
                {
                    return MALFORMED;
                }
                index.onDataSourceAnnounce(driver, buffer, blockLength, version, nowNs);
                return HANDLED;

            case DataSourceMetaDecoder.TEMPLATE_ID:
                if (blockLength != DataSourceMetaDecoder.BLOCK_LENGTH || !MessageShapes.DATA_SOURCE_META.fits(buffer, length))
                {
                    return MALFORMED;
                }
                index.onDataSourceMeta(driver, buffer, blockLength, version, nowNs);
                return HANDLED;

            default:
                return UNKNOWN_TEMPLATE;
        }
    }

    @Override
    protected void onRejected(final String reason, final long value)
    {
        LOG.debug("discovery feed fragment rejected driver={}: {} {}", driver.feed.driverInstanceId(), reason, value);
    }
}
