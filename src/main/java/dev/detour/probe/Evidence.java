package dev.detour.probe;

/**
 * What one probe saw: a typed record per probe kind (packets with their TTLs and flags, HTTP
 * stages, DNS answers), kept with the verdict so the UI and API can show why.
 */
public interface Evidence {}
