package io.tensorpool.flink.source.reader;

import io.tensorpool.flink.source.TensorPoolSourceOptions;
import org.apache.flink.annotation.Internal;
import org.apache.flink.configuration.ReadableConfig;

/**
 * The fetch limits and bounded-read settings a reader needs, read once from the source's options.
 */
@Internal
public final class ReaderSettings
{
    private final int maxFramesPerFetch;
    private final long maxBytesPerFetch;
    private final long maxIdleNanos;
    private final long stopAfterFrames;
    private final long stopAtMillis;

    private ReaderSettings(
        final int maxFramesPerFetch,
        final long maxBytesPerFetch,
        final long maxIdleNanos,
        final long stopAfterFrames,
        final long stopAtMillis)
    {
        this.maxFramesPerFetch = maxFramesPerFetch;
        this.maxBytesPerFetch = maxBytesPerFetch;
        this.maxIdleNanos = maxIdleNanos;
        this.stopAfterFrames = stopAfterFrames;
        this.stopAtMillis = stopAtMillis;
    }

    /**
     * @param config the source's options (validated by the builder).
     * @return the settings.
     */
    public static ReaderSettings from(final ReadableConfig config)
    {
        return new ReaderSettings(
            config.get(TensorPoolSourceOptions.FETCH_MAX_FRAMES),
            config.get(TensorPoolSourceOptions.FETCH_MAX_BYTES).getBytes(),
            config.get(TensorPoolSourceOptions.FETCH_MAX_IDLE).toNanos(),
            config.getOptional(TensorPoolSourceOptions.STOP_AFTER_FRAMES).orElse(Long.MAX_VALUE),
            config.getOptional(TensorPoolSourceOptions.STOP_AT_TIMESTAMP).orElse(Long.MAX_VALUE));
    }

    int maxFramesPerFetch()
    {
        return maxFramesPerFetch;
    }

    long maxBytesPerFetch()
    {
        return maxBytesPerFetch;
    }

    long maxIdleNanos()
    {
        return maxIdleNanos;
    }

    long stopAfterFrames()
    {
        return stopAfterFrames;
    }

    long stopAtMillis()
    {
        return stopAtMillis;
    }
}
