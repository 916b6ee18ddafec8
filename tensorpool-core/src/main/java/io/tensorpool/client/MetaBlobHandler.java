package io.tensorpool.client;

import org.agrona.DirectBuffer;

/**
 * Receives complete, verified meta blobs (Wire §10.3.3): large metadata such as calibration tables, flat fields or
 * masks, sent by the producer in chunks for one {@code meta_version}. A blob is handed over only when its chunks
 * covered {@code [0, total_len)} in order without gap or overlap and its checksum matched; anything else is discarded
 * and counted ({@link TensorPoolConsumer#metaBlobsDiscarded()}). The buffer is valid only for the call: copy what you
 * keep.
 */
@FunctionalInterface
public interface MetaBlobHandler
{
    /**
     * @param metaVersion the {@code meta_version} the blob belongs to (frames carrying it refer to this blob).
     * @param blobType    the producer's blob type (application-defined).
     */
    void onMetaBlob(int streamId, long metaVersion, long blobType, DirectBuffer blob, int offset, int length);
}
