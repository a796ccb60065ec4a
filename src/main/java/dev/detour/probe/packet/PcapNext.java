package dev.detour.probe.packet;

import com.sun.jna.Memory;
import com.sun.jna.Native;
import com.sun.jna.NativeLibrary;
import com.sun.jna.Pointer;
import java.lang.reflect.Field;
import org.pcap4j.core.PcapHandle;
import org.pcap4j.core.PcapNativeException;

/**
 * {@code pcap_next_ex} on an open pcap4j handle, for a capture's one reader thread. pcap4j's own
 * {@code getNextRawPacketEx} allocates two JNA {@code Memory} blocks (each with a finalizer) and a
 * {@code Timestamp} per packet: at thousands of answers a second that was garbage the collector had
 * to finalize before it could free it, and on a capped heap old-generation pressure. Here the two
 * out-pointers are one block made once; a packet costs its bytes.
 *
 * <p>Not thread-safe: one instance per reader, used only while the handle is open (the reader
 * closes it itself).
 */
final class PcapNext {

  /** What a successful read left: the packet and its capture time. */
  private byte[] bytes;

  private long nanos;

  private final Pointer pcap;
  private final Memory refs = new Memory(2L * Native.POINTER_SIZE);

  /** The data out-pointer's half of {@link #refs}, made once (a JNA view has a finalizer too). */
  private final Pointer dataRef = refs.share(Native.POINTER_SIZE);

  private final boolean nanoPrecision;

  PcapNext(PcapHandle handle) {
    this.pcap = pointer(handle);
    this.nanoPrecision = handle.getTimestampPrecision() == PcapHandle.TimestampPrecision.NANO;
  }

  /**
   * Waits for the next packet (as the handle's blocking mode and timeout say).
   *
   * @return true with a packet read; false when the read timed out or {@code pcap_breakloop} woke
   *     it
   */
  boolean next() throws PcapNativeException {
    int result = Lib.pcap_next_ex(pcap, refs, dataRef);
    if (result == 1) {
      Pointer header = refs.getPointer(0);
      Pointer data = refs.getPointer(Native.POINTER_SIZE);
      long seconds = Native.LONG_SIZE == 8 ? header.getLong(0) : header.getInt(0);
      long fraction =
          Native.LONG_SIZE == 8
              ? header.getLong(Native.LONG_SIZE)
              : header.getInt(Native.LONG_SIZE);
      int caplen = header.getInt(2L * Native.LONG_SIZE);
      nanos = seconds * 1_000_000_000L + (nanoPrecision ? fraction : fraction * 1000);
      bytes = data.getByteArray(0, caplen);
      return true;
    }
    if (result == 0 || result == -2) {
      return false;
    }
    throw new PcapNativeException(
        "pcap_next_ex failed (" + result + "): " + Lib.pcap_geterr(pcap), result);
  }

  /** The packet {@link #next} read. */
  byte[] bytes() {
    return bytes;
  }

  /** Its capture time, nanoseconds since the epoch. */
  long nanos() {
    return nanos;
  }

  private static Pointer pointer(PcapHandle handle) {
    try {
      Field field = PcapHandle.class.getDeclaredField("handle");
      field.setAccessible(true);
      return (Pointer) field.get(handle);
    } catch (ReflectiveOperationException | RuntimeException e) {
      throw new IllegalStateException("pcap4j's handle has no pcap_t pointer to read from", e);
    }
  }

  /** libpcap, as pcap4j loaded it (the same file: {@link Libpcap} names it). */
  private static final class Lib {
    static {
      Native.register(
          NativeLibrary.getInstance(System.getProperty(Libpcap.LIB_NAME_PROPERTY, "pcap")));
    }

    static native int pcap_next_ex(Pointer pcap, Pointer header, Pointer data);

    static native String pcap_geterr(Pointer pcap);

    private Lib() {}
  }
}
