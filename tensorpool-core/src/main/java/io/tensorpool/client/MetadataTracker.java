package io.tensorpool.client;

import io.tensorpool.codecs.wire.DataSourceAnnounceDecoder;
import io.tensorpool.codecs.wire.DataSourceMetaDecoder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;

/**
 * The consumer's view of its data source (Wire §10.3): the name from {@code DataSourceAnnounce} and the attributes of
 * each {@code DataSourceMeta} by {@code meta_version}, the newest {@value #VERSIONS_KEPT} versions kept so a frame
 * carrying an older {@code meta_version} still finds its metadata.
 * <p>
 * Separate from {@link TensorPoolConsumer} because it is the one part read from other threads: the consumer's thread
 * records, any thread may query, all under one lock. None of it is on the frame path.
 */
final class MetadataTracker
{
    static final int VERSIONS_KEPT = 16;

    // the consumer's logger: one logger to configure for everything a consumer reports
    private static final Logger LOG = LoggerFactory.getLogger(TensorPoolConsumer.class);

    private final int streamId;
    // guarded by itself, as are the fields below
    private final LinkedHashMap<Long, DataSourceMetadata> metadataByVersion = new LinkedHashMap<>();
    private String dataSourceName = "";
    private long latestMetaVersion = -1;

    MetadataTracker(final int streamId)
    {
        this.streamId = streamId;
    }

    /** Record the data source name; announces for other streams are ignored. Consumer thread only. */
    void onDataSourceAnnounce(final DataSourceAnnounceDecoder announce)
    {
        if ((int)announce.streamId() != streamId)
        {
            return;
        }
        final String name = announce.name();
        synchronized (metadataByVersion)
        {
            dataSourceName = name;
        }
    }

    /** Record a metadata version not seen before, evicting the oldest beyond the kept count. Consumer thread only. */
    void onDataSourceMeta(final DataSourceMetaDecoder meta)
    {
        if ((int)meta.streamId() != streamId)
        {
            return;
        }
        final long version = meta.metaVersion();
        synchronized (metadataByVersion)
        {
            if (metadataByVersion.containsKey(version))
            {
                latestMetaVersion = version;
                return;
            }
        }
        // decoded outside the lock: readers on other threads never wait for attribute copies
        final List<MetadataAttribute> attributes = new ArrayList<>();
        for (final DataSourceMetaDecoder.AttributesDecoder attribute : meta.attributes())
        {
            final String key = attribute.key();
            final String format = attribute.format();
            final byte[] value = new byte[attribute.valueLength()];
            attribute.getValue(value, 0, value.length);
            attributes.add(new MetadataAttribute(key, format, value));
        }
        synchronized (metadataByVersion)
        {
            metadataByVersion.put(version, new DataSourceMetadata(streamId, version, dataSourceName, attributes));
            while (metadataByVersion.size() > VERSIONS_KEPT)
            {
                metadataByVersion.remove(metadataByVersion.keySet().iterator().next());
            }
            latestMetaVersion = version;
        }
        LOG.info("stream={} meta_version={} metadata received: {} attributes", Integer.toUnsignedString(streamId),
            version, attributes.size());
    }

    /** See {@link TensorPoolConsumer#metadata(long)}. Thread-safe. */
    DataSourceMetadata metadata(final long metaVersion)
    {
        synchronized (metadataByVersion)
        {
            final DataSourceMetadata metadata = metadataByVersion.get(metaVersion);
            if (metadata == null)
            {
                return null;
            }
            // the name may be announced after the attributes arrived
            return metadata.name().equals(dataSourceName) ? metadata : metadata.withName(dataSourceName);
        }
    }

    /** See {@link TensorPoolConsumer#latestMetadata()}. Thread-safe. */
    DataSourceMetadata latestMetadata()
    {
        synchronized (metadataByVersion)
        {
            return latestMetaVersion < 0 ? null : metadata(latestMetaVersion);
        }
    }

    /** See {@link TensorPoolConsumer#dataSourceName()}. Thread-safe. */
    String dataSourceName()
    {
        synchronized (metadataByVersion)
        {
            return dataSourceName;
        }
    }
}
