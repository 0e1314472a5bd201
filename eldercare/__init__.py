"""eldercare — 居家和社区养老服务综合信息平台 (home and community elderly care platform)."""
