package dev.detour.route.mikrotik;

/**
 * The API protocol backend against the emulated router's API as RouterOS 7: routes name their
 * {@code routing-table}, IPv6 ones too, and the API-specific cases hold as on RouterOS 6.
 */
class MikrotikApiRouterOs7Test extends MikrotikApiBackendTest {

  @Override
  String version() {
    return "7.16 (stable)";
  }
}
