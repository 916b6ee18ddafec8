package io.tensorpool.flink.source;

import io.tensorpool.client.DataSourceMetadata;
import io.tensorpool.flink.common.TensorFrame;
import io.tensorpool.shm.FrameView;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.DeserializationSchema;
import org.apache.flink.api.java.typeutils.ResultTypeQueryable;

import java.io.IOException;
import java.io.Serializable;

/**
 * Turns a frame into a record, inside the frame's commit window.
 * <p>
 * {@link #deserialize} runs on the reader's fetch thread while the frame is still in shared memory; the producer may
 * overwrite it at any moment (the transport is lossy by design). The source checks the frame's commit word after
 * {@code deserialize} returns and throws the record away, counting it as a torn drop, if the frame changed
 * meanwhile. So a record reaching the job was built from one committed frame, never from a mix. Implementations must
 * copy what they keep: the {@link FrameView} and its payload are valid only during the call.
 *
 * @param <T> the record type.
 */
@PublicEvolving
public interface TensorPoolDeserializationSchema<T> extends Serializable, ResultTypeQueryable<T>
{
    /**
     * Called once per reader before the first frame.
     *
     * @param context Flink's initialization context (metrics, user class loader).
     * @throws Exception if the schema cannot start.
     */
    default void open(final DeserializationSchema.InitializationContext context) throws Exception
    {
    }

    /**
     * Build the record of one frame.
     *
     * @param frame    the frame, validated through the seqlock path; valid only during this call.
     * @param metadata the data source metadata (name, attributes, tags) of the frame's meta version, or null when
     *                 the reader has not received that version.
     * @return the record, or null to skip the frame (counted in {@code numRecordsInErrors}).
     * @throws IOException to fail the job on a frame that must not be skipped.
     */
    T deserialize(FrameView frame, DataSourceMetadata metadata) throws IOException;

    /**
     * @return a schema giving every frame as a {@link TensorFrame} (header fields, shape, byte strides, payload copy).
     */
    static TensorPoolDeserializationSchema<TensorFrame> tensorFrames()
    {
        return new TensorFrameDeserializer();
    }

    /**
     * @return a schema giving each frame's payload bytes.
     */
    static TensorPoolDeserializationSchema<byte[]> rawBytes()
    {
        return new RawBytesDeserializer();
    }

    /**
     * @return a schema giving the payload of contiguous FLOAT32 frames as a {@code float[]} (little-endian, as written
     *         by producers on this host); frames of any other dtype or with gaps between elements are skipped and
     *         counted.
     */
    static TensorPoolDeserializationSchema<float[]> floatArrays()
    {
        return new FloatArrayDeserializer();
    }
}
