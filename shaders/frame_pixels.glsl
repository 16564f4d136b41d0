// Reading the frame's pixels at 8 or 16 bits per channel; included by the passes that read frames,
// after they declare `rgba` (the frame as uint words) and `unit8` (the exact 8-bit table).
// 8 bits: one word per pixel, R | G << 8 | B << 16 | A << 24; values from the table, so they equal
// the paper's numpy conversion (float)(v / 255.0) bit for bit.
// 16 bits (16-bit PNG and TIFF photos): two words per pixel, R | G << 16 and B | A << 16 (RGBA64
// little-endian); values v / 65535.0 (the CPU's (float)(v / 65535.0) rounds the same way, since a
// float quotient rounded through double is correctly rounded).

vec3 frameRgb(uint i, uint bitsPerChannel) {
    if (bitsPerChannel == 16u) {
        uint rg = rgba[2u * i];
        uint ba = rgba[2u * i + 1u];
        return vec3(float(rg & 0xFFFFu), float(rg >> 16), float(ba & 0xFFFFu)) / 65535.0;
    }
    uint v = rgba[i];
    return vec3(unit8[v & 255u], unit8[(v >> 8) & 255u], unit8[(v >> 16) & 255u]);
}
