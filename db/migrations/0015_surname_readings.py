"""More surnames read as surnames: 薄 bo, 折 she, 都 du, 重 chong, 藏 zang (pypinyin reads
them bao, zhe, dou, zhong, cang, now their second reading), and a second reading typed
for 尉迟 (weichi), 万俟 (wanqi), 长孙 (changsun) and 缪 (miu). The pinyin keys of the
archives whose name begins with one of them are spelled again; no schema change."""

SURNAMES = ("薄", "折", "都", "重", "藏", "尉迟", "万俟", "长孙", "缪")


def up(migrator, db):
    # The one import of live code, as in migration 0011: the keys must be spelled as the
    # live lookup asks for them.
    from db.search import pinyin_readings

    where = " OR ".join(["name LIKE " + db.param] * len(SURNAMES))
    rows = db.execute_sql(f"SELECT id, name FROM customer WHERE {where}",
                          [s + "%" for s in SURNAMES]).fetchall()
    changes = []
    for pk, name in rows:
        (full, initials), alt = pinyin_readings(name or "")
        changes.append((full or None, initials or None, alt[0] if alt else None,
                        alt[1] if alt and alt[1] != initials else None, pk))
    if changes:
        mark = db.param
        db.cursor().executemany(
            f"UPDATE customer SET pinyin_full = {mark}, pinyin_initials = {mark}, pinyin_alt = {mark}, "
            f"pinyin_alt_initials = {mark} WHERE id = {mark}", changes)


def down(migrator, db):
    pass  # the keys spelled again stay: the earlier version finds them as before, bar these surnames
