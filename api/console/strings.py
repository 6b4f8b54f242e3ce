"""Every sentence of the console, in Chinese (the default) and English: ``STRINGS[key] = (zh, en)``.

Templates read them as ``t.key``; the script gets the same table as JSON, so a page and the results its
script draws speak one language. Reason messages are not here: the API sends them in both languages.
"""

from __future__ import annotations

LANGUAGES = ("zh", "en")
DEFAULT_LANGUAGE = "zh"

STRINGS: dict[str, tuple[str, str]] = {
    "brand": ("addrcheck 商家控制台", "addrcheck merchant console"),
    "skip": ("跳到正文", "Skip to content"),
    "nav_label": ("主导航", "Main navigation"),
    "nav_check": ("检查与修正", "Check and fix"),
    "nav_audits": ("批量稽核", "Audits"),
    "nav_warehouses": ("退货仓", "Warehouses"),
    "nav_orders": ("订单凭证", "Orders and proof"),
    "nav_docs": ("API 文档", "API docs"),
    "switch_language": ("English", "中文"),
    "switch_language_label": ("Switch to English", "切换到中文"),
    "signed_in_as": ("商家", "Merchant"),
    "sign_out": ("退出", "Sign out"),
    "sign_in": ("登录", "Sign in"),
    "sign_in_title": ("登录商家控制台", "Sign in to the merchant console"),
    "sign_in_help": (
        "请输入商家的 API 密钥（由 addrcheck keys create 生成）。密钥只用于本次登录，不会保存在浏览器中。",
        "Enter the merchant's API key (from addrcheck keys create). It is used only to sign in and is not "
        "kept in the browser.",
    ),
    "api_key": ("API 密钥", "API key"),
    "sign_in_failed": ("密钥无效或已被吊销。", "This key is not valid or was revoked."),
    "sign_in_expired": ("登录已过期，请重新登录。", "Your session has expired: please sign in again."),
    "signed_out": ("已退出。", "You are signed out."),
    "form_expired": ("表单已过期，请重试。", "The form has expired: please try again."),
    "relogin_title": ("登录已过期", "Session expired"),
    "relogin_help": (
        "请重新输入 API 密钥，继续刚才的操作（已填写的内容不会丢失）。",
        "Enter the API key again to carry on (nothing you entered is lost).",
    ),
    "cancel": ("取消", "Cancel"),
    # check and fix
    "check_title": ("检查与修正地址", "Check and fix addresses"),
    "check_help": (
        "粘贴一个地址，或每行一个、最多 {max} 行。",
        "Paste one address, or one per line, up to {max} lines.",
    ),
    "addresses": ("地址（每行一个）", "Addresses (one per line)"),
    "policy": ("要求", "Policy"),
    "policy_default": ("默认：需到区县和详细地址", "default: county and street address"),
    "policy_strict": ("严格：需到乡镇街道和门牌号", "strict: township and house number"),
    "policy_loose": ("宽松：到城市即可", "loose: the city is enough"),
    "check": ("检查", "Check"),
    "checking": ("正在检查…", "Checking…"),
    "empty_paste": ("请先粘贴至少一个地址。", "Paste at least one address first."),
    "too_many_lines": (
        "一次最多检查 {max} 行，这里有 {count} 行。请分批检查，或在“批量稽核”页上传文件。",
        "At most {max} lines at a time; this has {count}. Check them in parts, or upload a file on the "
        "Audits page.",
    ),
    "too_large_paste": (
        "粘贴的内容有 {size}，超过单次上限 {max}。请分批检查，或在“批量稽核”页上传文件。",
        "The paste is {size}, over the limit of {max} per check. Check it in parts, or upload a file on "
        "the Audits page.",
    ),
    "summary": ("{count} 个地址，用时 {ms} 毫秒：", "{count} addresses in {ms} ms:"),
    "legend": ("图例", "Legend"),
    "normalized": ("标准地址", "Normalised address"),
    "copy_button": ("复制", "Copy"),
    "copied": ("已复制", "Copied"),
    "no_problems": ("没有问题。", "No problems."),
    "fix": ("补全地区", "Complete the region"),
    "fix_title": ("选择所在地区并补全详细地址", "Pick the region and complete the street address"),
    "candidates": ("可能是：", "It may be:"),
    "street": ("详细地址（道路、门牌、小区）", "Street address (road, number, compound)"),
    "recheck": ("重新检查", "Check again"),
    "fixed_ok": ("已修正，可以使用。", "Fixed: this address can be used."),
    "choose": ("请选择", "Choose"),
    "no_village_data": ("（无下级数据）", "(no lower level in the data)"),
    "line": ("第 {n} 行", "line {n}"),
    "status_ok": ("可用", "ok"),
    "status_vague": ("不完整", "vague"),
    "status_ambiguous": ("有歧义", "ambiguous"),
    "status_inconsistent": ("前后矛盾", "inconsistent"),
    "status_invalid": ("无效", "invalid"),
    "level_province": ("省份", "Province"),
    "level_city": ("城市", "City"),
    "level_district": ("区县", "County"),
    "level_town": ("乡镇/街道", "Township"),
    "level_village": ("村/社区", "Village"),
    "comp_province": ("省", "province"),
    "comp_city": ("市", "city"),
    "comp_district": ("区县", "county"),
    "comp_town": ("乡镇街道", "township"),
    "comp_road": ("道路", "road"),
    "comp_road_number": ("门牌", "number"),
    "comp_poi": ("地点", "place"),
    "comp_building": ("楼栋", "building"),
    "comp_unit": ("单元/室", "unit"),
    "comp_other": ("其他", "other"),
    "comp_unresolved": ("无法识别", "not placed"),
    "how_to_fix": ("怎么改：", "How to fix: "),
    # What to do in the console about each reason (the reason's own message says what is wrong).
    "fix_EMPTY": ("粘贴或输入地址。", "Paste or type the address."),
    "fix_TOO_LONG": (
        "只保留地址本身，去掉备注和其他内容。",
        "Keep only the address; remove notes and other text.",
    ),
    "fix_BINARY_INPUT": (
        "从原表格重新复制；导出文件时选择 UTF-8 或 GBK 编码。",
        "Copy it again from the source; export files as UTF-8 or GBK.",
    ),
    "fix_NOT_AN_ADDRESS": (
        "用“补全地区”选出地区，再填写详细地址。",
        "Pick the region with “Complete the region”, then add the street.",
    ),
    "fix_MISSING_PROVINCE": ("用“补全地区”选择省份。", "Pick the province with “Complete the region”."),
    "fix_MISSING_CITY": ("用“补全地区”选择城市。", "Pick the city with “Complete the region”."),
    "fix_MISSING_DISTRICT": ("用“补全地区”选择区县。", "Pick the county with “Complete the region”."),
    "fix_MISSING_TOWN": ("用“补全地区”选择乡镇或街道。", "Pick the township with “Complete the region”."),
    "fix_MISSING_STREET": (
        "在“详细地址”中写上道路和门牌、小区或村。",
        "Add the road and number, compound or village under “Street address”.",
    ),
    "fix_MISSING_HOUSE_NUMBER": (
        "在“详细地址”中补上门牌号或楼栋号。",
        "Add the door or building number under “Street address”.",
    ),
    "fix_AMBIGUOUS_REGION": (
        "在“补全地区”中点选正确的那个地区。",
        "Click the right place among the candidates in “Complete the region”.",
    ),
    "fix_INCONSISTENT_HIERARCHY": (
        "用“补全地区”重新选择，核对哪一级写错了。",
        "Pick the region again with “Complete the region”; check which level is wrong.",
    ),
    "fix_UNKNOWN_REGION": (
        "用“补全地区”从列表中选择现行的地区名称。",
        "Pick today's division from the lists in “Complete the region”.",
    ),
    "fix_UNCONFIRMED_REGION": (
        "地址里的地名可能只是名称的一部分：用“补全地区”选出所在的省、市、区县，或在地址前写明。",
        "The place name may only be part of a name: pick the province, city and county in “Complete the "
        "region”, or write them before the address.",
    ),
    "fix_INVISIBLE_CHARACTER": (
        "无需处理；标准地址已删除这些不可见字符。保存前请核对原文是否被复制工具改动。",
        "Nothing to do: the normalised address leaves them out. Check that the text was not altered when copied.",
    ),
    "fix_TOO_MANY_NAMES": (
        "只写一个地址：删除重复粘贴的地名。",
        "Write one address only: delete the place names pasted again and again.",
    ),
    "fix_OUTDATED_NAME": (
        "无需处理；标准地址已使用现行名称。",
        "Nothing to do: the normalised address uses today's name.",
    ),
    "fix_UNRESOLVED_TEXT": (
        "检查这段文字：删去多余内容，或移到“详细地址”中。",
        "Check this text: delete what does not belong, or move it under “Street address”.",
    ),
    # audits
    "audits_title": ("批量稽核", "Audits"),
    "audits_help": (
        "上传 CSV、TSV、XLSX 或 JSONL 文件（UTF-8 或 GBK）。结果文件保持原格式和原编码。",
        "Upload a CSV, TSV, XLSX or JSONL file (UTF-8 or GBK). The audited file keeps its format and "
        "encoding.",
    ),
    "audits_need_script": (
        "上传和进度条需要启用浏览器的 JavaScript；也可以用命令行 addrcheck audit。",
        "Uploading and the progress bar need JavaScript; the command line has addrcheck audit.",
    ),
    "file": ("文件", "File"),
    "column": ("地址列（留空自动检测）", "Address column (empty: detected)"),
    "upload": ("上传并稽核", "Upload and audit"),
    "no_file": ("请先选择一个文件。", "Choose a file first."),
    "wrong_type": (
        "不支持“{name}”这种文件：请上传 .csv、.tsv、.xlsx 或 .jsonl。",
        "“{name}” is not a supported file: upload .csv, .tsv, .xlsx or .jsonl.",
    ),
    "uploading": ("正在上传…", "Uploading…"),
    "progress": (
        "已处理 {done} / {total} 行 · 每秒 {rate} 行 · 预计还需 {eta}",
        "{done} / {total} rows · {rate} rows/s · about {eta} left",
    ),
    "progress_done": (
        "已处理 {done} / {total} 行 · 每秒 {rate} 行",
        "{done} / {total} rows · {rate} rows/s",
    ),
    "seconds": ("{n} 秒", "{n} s"),
    "audit_done": ("稽核完成。", "The audit is done."),
    "audit_failed": ("稽核失败：{error}", "The audit failed: {error}"),
    "download": ("下载结果文件", "Download the audited file"),
    "report": ("打开报告", "Open the report"),
    "past_audits": ("历史稽核", "Past audits"),
    "no_audits": ("还没有稽核记录。", "No audits yet."),
    "col_file": ("文件", "File"),
    "col_status": ("状态", "Status"),
    "col_rows": ("行数", "Rows"),
    "col_created": ("创建时间 (UTC)", "Created (UTC)"),
    "col_links": ("结果", "Results"),
    "audit_status_queued": ("排队中", "queued"),
    "audit_status_running": ("进行中", "running"),
    "audit_status_done": ("完成", "done"),
    "audit_status_failed": ("失败", "failed"),
    "audits_unavailable": (
        "此服务器尚未启用批量稽核接口（/v1/audits）。",
        "This server does not offer audit jobs (/v1/audits) yet.",
    ),
    # warehouses
    "warehouses_title": ("退货仓与分仓规则", "Warehouses and routing rules"),
    "no_config": (
        "还没有保存退货仓配置。请在下面填写并保存。",
        "No warehouse configuration is saved yet: write one below and save it.",
    ),
    "config_version": (
        "当前配置版本 {hash}，保存于 {time} (UTC)",
        "Configuration {hash}, saved {time} (UTC)",
    ),
    "warehouses": ("退货仓", "Warehouses"),
    "rules": ("规则", "Rules"),
    "col_id": ("编号", "Id"),
    "col_name": ("名称", "Name"),
    "col_contact": ("联系人", "Contact"),
    "col_phone": ("电话", "Phone"),
    "col_address": ("退货地址", "Return address"),
    "col_priority": ("优先级", "Priority"),
    "col_targets": ("退货仓", "Warehouses"),
    "col_conditions": ("条件", "Conditions"),
    "cond_sku": ("SKU 为", "SKU is"),
    "cond_sku_prefix": ("SKU 前缀", "SKU starts with"),
    "cond_sku_glob": ("SKU 模式", "SKU pattern"),
    "cond_category": ("类目", "category"),
    "cond_shop": ("店铺", "shop"),
    "fixed_from": ("原地址：{input}", "Was: {input}"),
    "default_rule": ("其余 SKU 默认", "every other SKU"),
    "edit_config": ("编辑配置", "Edit the configuration"),
    "config_help": (
        "保存前会完整校验；有错误时不会生效，当前配置继续使用。",
        "The file is checked whole before it is saved; with any problem nothing changes and the current "
        "configuration stays in force.",
    ),
    "format": ("格式", "Format"),
    "config_text": ("配置文件内容", "Configuration file"),
    "save": ("校验并保存", "Check and save"),
    "saving": ("正在校验…", "Checking…"),
    "saved": ("已保存，新配置 {hash} 已生效。", "Saved: configuration {hash} is now in force."),
    "config_problems": (
        "配置有 {count} 处问题，未保存，原配置继续有效：",
        "{count} problem(s): nothing was saved, the old configuration stays in force:",
    ),
    "at_line": ("第 {line} 行", "line {line}"),
    "route_title": ("分仓试算", "Routing tester"),
    "route_help": (
        "每行一个商品：SKU, 数量, 类目（类目可省略）。试算不记录任何内容。",
        "One item a line: SKU, quantity, category (optional). A test run records nothing.",
    ),
    "shop": ("店铺", "Shop"),
    "buyer_address": (
        "买家地址（可选，用于就近选仓）",
        "Buyer address (optional, for the nearest warehouse)",
    ),
    "items_label": ("商品", "Items"),
    "route_test": ("试算", "Test"),
    "order_id": ("订单号", "Order id"),
    "route_record": ("按此分仓并记录为订单", "Route and record as an order"),
    "recorded": ("订单 {id} 已记录。", "Order {id} is recorded."),
    "open_proof": ("查看凭证", "Open its proof"),
    "bad_item_line": (
        "第 {n} 行看不懂：应为 SKU, 数量, 类目。",
        "Line {n} is not “SKU, quantity, category”.",
    ),
    "no_items": (
        "请至少填写一件商品，每行一个：SKU, 数量, 类目。",
        "Add at least one item, one a line: SKU, quantity, category.",
    ),
    "order_id_needed": (
        "要记录为订单，请先填写订单号。",
        "Enter the order id first: the order is recorded under it.",
    ),
    "order_id_invalid": (
        "订单号只能由字母、数字和 . _ : - 组成，以字母或数字开头，最多 {max} 个字符。",
        "An order id is letters, digits and . _ : - only, starts with a letter or digit, and has at most "
        "{max} characters.",
    ),
    "col_sku": ("SKU", "SKU"),
    "col_qty": ("数量", "Qty"),
    "col_category": ("类目", "Category"),
    "col_warehouse": ("退货仓", "Warehouse"),
    "col_rule": ("规则", "Rule"),
    "col_why": ("原因", "Why"),
    "shipments": ("包裹与退货地址", "Shipments and return addresses"),
    "col_shipment": ("包裹", "Shipment"),
    "not_recorded": ("试算结果，未记录。", "Test result: nothing recorded."),
    # orders
    "orders_title": ("订单退货地址凭证", "Order return-address proof"),
    "lookup": ("查询", "Look up"),
    "order_not_found": ("没有订单 {id} 的记录。", "No return address was recorded for order {id}."),
    "revision": ("版本", "Revision"),
    "decided_at": ("记录时间 (UTC)", "Recorded (UTC)"),
    "config_hash": ("配置哈希", "Configuration hash"),
    "order_hash": ("订单哈希", "Order hash"),
    "history": ("历史版本", "Earlier revisions"),
    "no_history": ("没有更早的版本。", "No earlier revisions."),
    "print_view": ("打印凭证（A4）", "Print view (A4)"),
    "print": ("打印", "Print"),
    # between a label and its value, and between two label-value pairs on one line
    "colon": ("：", ": "),
    "gap": ("\u3000", " \u00b7 "),
    "proof_title": ("退货地址记录凭证", "Return address record"),
    "proof_intro": (
        "以下退货地址由 addrcheck 在发货前按商家当时生效的退货仓配置确定并记录，记录后不可更改。",
        "This return address was decided by addrcheck before shipping, under the merchant's warehouse "
        "configuration then in force, and recorded; a record is never changed afterwards.",
    ),
    "merchant": ("商家", "Merchant"),
    "proof_verify": (
        "核验：GET /v1/orders/{id}/return-address 返回同一记录。",
        "To verify: GET /v1/orders/{id}/return-address returns the same record.",
    ),
    "printed_at": ("打印时间 (UTC)", "Printed (UTC)"),
    "err_BODY_TOO_LARGE": (
        "内容超过服务器单次上限，请分批提交。",
        "This is over the server's size limit: send it in parts.",
    ),
    "err_BATCH_TOO_LARGE": (
        "一次提交的地址太多，请分批检查。",
        "Too many addresses at once: check them in parts.",
    ),
    "err_NO_WAREHOUSE_CONFIG": (
        "还没有退货仓配置，请先保存一份。",
        "No warehouse configuration yet: save one first.",
    ),
    "err_ORDER_CHANGED": (
        "这个订单号已用不同的商品记录过，记录不会被覆盖。请换一个订单号。",
        "This order id was recorded with other items; records are never overwritten. Use another order id.",
    ),
    "err_NO_WAREHOUSE_FOR_SKU": (
        "有商品没有任何规则或默认仓接收，未分仓。",
        "Some items are taken by no rule and no default: nothing was routed.",
    ),
    "audit_column": ("地址列：{column}", "address column: {column}"),
    "err_UPLOAD_TOO_LARGE": ("文件超过上传上限。", "The file is over the upload limit."),
    "err_UNKNOWN_FORMAT": ("看不出这是什么格式的文件。", "The file's format cannot be told."),
    "err_EMPTY_UPLOAD": ("文件是空的。", "The file is empty."),
    "err_BINARY_INPUT": (
        "文件含有乱码或二进制内容，不是表格文本。",
        "The file holds binary data, not a table.",
    ),
    "err_UNKNOWN_ENCODING": (
        "无法识别文件编码（支持 UTF-8 和 GBK）。",
        "The encoding cannot be told (UTF-8 and GBK are read).",
    ),
    "err_UNSUPPORTED_ENCODING": ("不支持这种文件编码。", "This encoding is not supported."),
    "err_UNREADABLE_HEADER": ("无法读取表头。", "The header row cannot be read."),
    "err_UNREADABLE_INPUT": (
        "文件无法读取，可能已损坏或格式与扩展名不符。",
        "The file cannot be read: damaged, or not what its name says.",
    ),
    "err_NO_ADDRESS_COLUMN": (
        "没有找到地址列，请在“地址列”中填写列名。",
        "No address column was found: type its name in “Address column”.",
    ),
    "err_AMBIGUOUS_ADDRESS_COLUMN": (
        "有多列像地址列，请在“地址列”中指定一列。",
        "Several columns look like addresses: name one in “Address column”.",
    ),
    "err_UNKNOWN_POLICY": ("没有这种要求。", "There is no such policy."),
    "err_NETWORK": (
        "无法连接服务器，请检查网络后重试（已填写的内容仍在）。",
        "Cannot reach the server: check the network and try again (what you entered is kept).",
    ),
    "error_generic": ("出错了：{message}", "Something went wrong: {message}"),
    "network_error": (
        "无法连接服务器，请检查网络后重试（已填写的内容仍在）。",
        "Cannot reach the server: check the network and try again (what you entered is kept).",
    ),
}


def strings_for(language: str) -> dict[str, str]:
    """The table in one language (``zh`` or ``en``)."""
    index = LANGUAGES.index(language)
    return {key: pair[index] for key, pair in STRINGS.items()}
