package io.tensorpool.flink.sink;

import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.api.common.serialization.SerializationSchema;

import java.io.Serializable;

/**
 * Writes one record straight into a claimed shared-memory slot: no intermediate {@code byte[]}. The writer asks for
 * the payload length first, claims a slot from the smallest pool that fits (Wire §9), then hands the slot to
 * {@link #serialize}.
 *
 * <p>Implementations run on the task thread, must not keep the {@link TensorSlot} beyond the call, and should not
 * allocate per record.
 *
 * @param <T> the record type.
 */
@PublicEvolving
public interface TensorPoolSerializationSchema<T> extends Serializable
{
    /** {@link #payloadLength} result: the record cannot be encoded; it is dropped and counted, never published. */
    int INVALID = -1;

    /**
     * Called once per writer before the first record.
     *
     * @param context Flink's serialization context (metric group, user class loader).
     */
    default void open(final SerializationSchema.InitializationContext context) throws Exception
    {
    }

    /**
     * Bytes the record's payload needs in shared memory.
     *
     * @return the length (&ge; 0), or {@link #INVALID} when the record cannot be encoded (for instance its element
     * count does not match the declared shape).
     */
    int payloadLength(T element);

    /**
     * Write the payload into {@code slot.buffer()} at offsets 0 to {@code payloadLength(element) - 1} and describe
     * the tensor (dtype, shape, strides, timestamp) on the slot. A description that breaks a Wire §8.2 layout rule
     * makes the writer drop the frame and count it; an exception fails the task.
     */
    void serialize(T element, TensorSlot slot);
}
