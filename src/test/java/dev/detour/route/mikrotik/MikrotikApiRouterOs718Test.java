package dev.detour.route.mikrotik;

/**
 * The API protocol backend against RouterOS 7.18 and later, whose prints that find nothing answer
 * {@code !empty} before {@code !done}: every case holds as on earlier releases.
 */
class MikrotikApiRouterOs718Test extends MikrotikApiBackendTest {

  @Override
  String version() {
    return "7.19.4 (stable)";
  }
}
